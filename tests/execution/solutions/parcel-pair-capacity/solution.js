function has_exact_pair(weights, capacity) {
  let i = 0, j = weights.length - 1;
  while (i < j) {
    const total = weights[i] + weights[j];
    if (total === capacity) return true;
    if (total < capacity) i++;
    else j--;
  }
  return false;
}
