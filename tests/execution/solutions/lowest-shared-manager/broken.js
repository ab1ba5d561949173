function lowest_shared_manager(root, a, b) {
  const parent = new Map([[root[0], null]]);
  const queue = [root[0]];
  let i = 1;
  while (queue.length && i < root.length) {
    const node = queue.shift();
    for (let side = 0; side < 2; side++, i++) {
      if (i < root.length && root[i] !== null) {
        parent.set(root[i], node);
        queue.push(root[i]);
      }
    }
  }
  const ancestors = new Set();
  for (let x = a; x !== null; x = parent.get(x)) ancestors.add(x);
  let y = parent.get(b) ?? b;
  while (!ancestors.has(y)) y = parent.get(y);
  return y;
}
