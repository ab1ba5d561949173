#include <bits/stdc++.h>
using namespace std;

int lowest_shared_manager(vector<optional<int>> root, int a, int b) {
    unordered_map<int, optional<int>> parent{{*root[0], nullopt}};
    queue<int> pending;
    pending.push(*root[0]);
    size_t i = 1;
    while (!pending.empty() && i < root.size()) {
        int node = pending.front();
        pending.pop();
        for (int side = 0; side < 2; ++side, ++i) {
            if (i < root.size() && root[i]) {
                parent[*root[i]] = node;
                pending.push(*root[i]);
            }
        }
    }
    unordered_set<int> ancestors;
    for (optional<int> x = a; x; x = parent[*x]) ancestors.insert(*x);
    int y = b;
    while (!ancestors.count(y)) y = *parent[y];
    return y;
}
