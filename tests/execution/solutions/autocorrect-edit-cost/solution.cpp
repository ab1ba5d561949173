#include <bits/stdc++.h>
using namespace std;

int edit_cost(const string& typed, const string& intended, int insert_cost, int delete_cost,
              int replace_cost) {
    size_t m = typed.size(), n = intended.size();
    vector<int> prev(n + 1), cur(n + 1);
    for (size_t j = 0; j <= n; ++j) prev[j] = j * insert_cost;
    for (size_t i = 1; i <= m; ++i) {
        cur[0] = i * delete_cost;
        for (size_t j = 1; j <= n; ++j) {
            bool same = typed[i - 1] == intended[j - 1];
            cur[j] = min({prev[j] + delete_cost, cur[j - 1] + insert_cost,
                          prev[j - 1] + (same ? 0 : replace_cost)});
        }
        swap(prev, cur);
    }
    return prev[n];
}
