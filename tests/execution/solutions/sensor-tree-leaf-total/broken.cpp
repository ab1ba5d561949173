#include <bits/stdc++.h>
using namespace std;

int leaf_total(const vector<optional<int>>& root) {
    if (root.empty()) return 0;
    vector<bool> has_child(root.size(), false);
    queue<size_t> pending;
    pending.push(0);
    size_t i = 1;
    while (!pending.empty() && i < root.size()) {
        size_t node = pending.front();
        pending.pop();
        for (int side = 0; side < 1; ++side, ++i) {
            if (i < root.size() && root[i]) {
                has_child[node] = true;
                pending.push(i);
            }
        }
    }
    int total = 0;
    for (size_t k = 0; k < root.size(); ++k)
        if (root[k] && !has_child[k]) total += *root[k];
    return total;
}
