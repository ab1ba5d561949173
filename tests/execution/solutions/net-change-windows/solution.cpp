#include <bits/stdc++.h>
using namespace std;

int count_windows(const vector<int>& changes, int target) {
    unordered_map<long long, int> seen{{0, 1}};
    long long total = 0;
    int count = 0;
    for (int change : changes) {
        total += change;
        auto it = seen.find(total - target);
        if (it != seen.end()) count += it->second;
        seen[total]++;
    }
    return count;
}
