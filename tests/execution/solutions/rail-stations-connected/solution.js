function connected(n, tracks, a, b) {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x) => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const [x, y] of tracks) parent[find(x)] = find(y);
  return find(a) === find(b);
}
