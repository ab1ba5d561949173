function min_steps(grid, k) {
  const rows = grid.length, cols = grid[0].length;
  const seen = new Set(["0,0,0"]);
  let frontier = [[0, 0, 0]];
  for (let steps = 0; frontier.length; steps++) {
    const next = [];
    for (const [r, c, used] of frontier) {
      if (r === rows - 1 && c === cols - 1) return steps;
      for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const nr = r + dr, nc = c + dc;
        if (nr < 0 || nc < 0 || nr >= rows || nc >= cols) continue;
        const nu = used + grid[nr][nc];
        const key = `${nr},${nc},${nu}`;
        if (nu < k + (grid[nr][nc] === 0 ? 1 : 0) && !seen.has(key)) {
          seen.add(key);
          next.push([nr, nc, nu]);
        }
      }
    }
    frontier = next;
  }
  return -1;
}
