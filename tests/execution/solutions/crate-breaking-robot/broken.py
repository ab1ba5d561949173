from collections import deque


def min_steps(grid, k):
    rows, cols = len(grid), len(grid[0])
    seen = {(0, 0, 0)}
    queue = deque([(0, 0, 0, 0)])
    while queue:
        r, c, used, steps = queue.popleft()
        if r == rows - 1 and c == cols - 1:
            return steps
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols:
                nu = used + grid[nr][nc]
                if nu < k + (grid[nr][nc] == 0) and (nr, nc, nu) not in seen:
                    seen.add((nr, nc, nu))
                    queue.append((nr, nc, nu, steps + 1))
    return -1
