function shortest_window(belt, manifest) {
  const need = new Map();
  for (const c of manifest) need.set(c, (need.get(c) || 0) + 1);
  let missing = manifest.length, left = 0, bestStart = 0, bestLength = Infinity;
  for (let right = 0; right < belt.length; right++) {
    const c = belt[right];
    if ((need.get(c) || 0) > 0) missing--;
    need.set(c, (need.get(c) || 0) - 1);
    while (missing === 0) {
      if (right - left + 1 < bestLength) [bestStart, bestLength] = [left, right - left + 1];
      const d = belt[left++];
      need.set(d, need.get(d) + 1);
      if (need.get(d) > 0) missing++;
    }
  }
  return bestLength === Infinity ? "" : belt.slice(bestStart, bestStart + bestLength);
}
