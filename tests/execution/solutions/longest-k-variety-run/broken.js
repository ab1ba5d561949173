function longest_run(belt, k) {
  const counts = new Map();
  let best = 0, left = 0;
  for (let right = 0; right < belt.length; right++) {
    counts.set(belt[right], (counts.get(belt[right]) || 0) + 1);
    while (counts.size > k) {
      const c = belt[left++];
      counts.set(c, counts.get(c) - 1);
      if (counts.get(c) === 0) counts.delete(c);
    }
    best = Math.max(best, right - left);
  }
  return best;
}
