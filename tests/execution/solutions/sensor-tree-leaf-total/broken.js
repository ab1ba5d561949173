function leaf_total(root) {
  if (!root.length) return 0;
  const hasChild = new Array(root.length).fill(false);
  const queue = [0];
  let i = 1;
  while (queue.length && i < root.length) {
    const node = queue.shift();
    for (let side = 0; side < 1; side++, i++) {
      if (i < root.length && root[i] !== null) {
        hasChild[node] = true;
        queue.push(i);
      }
    }
  }
  let total = 0;
  root.forEach((value, index) => {
    if (value !== null && !hasChild[index]) total += value;
  });
  return total;
}
