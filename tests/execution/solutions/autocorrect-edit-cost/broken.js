function edit_cost(typed, intended, insertCost, deleteCost, replaceCost) {
  const m = typed.length, n = intended.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j * insertCost);
  for (let i = 1; i <= m; i++) {
    const cur = [i * deleteCost];
    for (let j = 1; j <= n; j++) {
      const same = typed[i - 1] === intended[j - 1];
      cur[j] = Math.min(prev[j] + deleteCost, cur[j - 1] + insertCost, prev[j - 1] + (same ? 0 : insertCost));
    }
    prev = cur;
  }
  return prev[n];
}
