function count_windows(changes, target) {
  const seen = new Map([[0, 1]]);
  let total = 0, count = 0;
  for (const change of changes) {
    total += change;
    count += seen.get(total - target) || 0;
    seen.set(total, (seen.get(total) || 0) + 1);
  }
  return count;
}
