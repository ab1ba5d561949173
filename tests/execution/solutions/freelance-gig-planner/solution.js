function max_pay(gigs) {
  const sorted = [...gigs].sort((x, y) => x[1] - y[1]);
  const best = [0];
  for (let i = 0; i < sorted.length; i++) {
    const [start, , pay] = sorted[i];
    // Gigs before j end by `start`.
    let lo = 0, hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid][1] <= start) lo = mid + 1;
      else hi = mid;
    }
    best.push(Math.max(best[i], best[lo] + pay));
  }
  return best[sorted.length];
}
