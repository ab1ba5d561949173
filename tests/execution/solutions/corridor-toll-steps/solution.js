function min_toll(tolls) {
  let a = 0, b = 0;
  for (const toll of tolls) [a, b] = [b, Math.min(a, b) + toll];
  return Math.min(a, b);
}
