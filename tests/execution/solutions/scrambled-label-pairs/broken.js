function anagram_pairs(labels) {
  const groups = new Map();
  let pairs = 0;
  for (const label of labels) {
    const key = [...new Set(label)].sort().join("");
    pairs += groups.get(key) || 0;
    groups.set(key, (groups.get(key) || 0) + 1);
  }
  return pairs;
}
