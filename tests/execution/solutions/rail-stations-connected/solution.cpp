#include <bits/stdc++.h>
using namespace std;

static int find_root(vector<int>& parent, int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

bool connected(int n, const vector<vector<int>>& tracks, int a, int b) {
    vector<int> parent(n);
    iota(parent.begin(), parent.end(), 0);
    for (auto& t : tracks) parent[find_root(parent, t[0])] = find_root(parent, t[1]);
    return find_root(parent, a) == find_root(parent, b);
}
