#include <bits/stdc++.h>
using namespace std;

int min_steps(vector<vector<int>> grid, int k) {
    int rows = grid.size(), cols = grid[0].size();
    set<tuple<int, int, int>> seen{{0, 0, 0}};
    queue<array<int, 4>> pending;
    pending.push({0, 0, 0, 0});
    int moves[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    while (!pending.empty()) {
        auto [r, c, used, steps] = pending.front();
        pending.pop();
        if (r == rows - 1 && c == cols - 1) return steps;
        for (auto& m : moves) {
            int nr = r + m[0], nc = c + m[1];
            if (nr < 0 || nc < 0 || nr >= rows || nc >= cols) continue;
            int nu = used + grid[nr][nc];
            if (nu <= k && seen.insert({nr, nc, nu}).second) pending.push({nr, nc, nu, steps + 1});
        }
    }
    return -1;
}
