#include <bits/stdc++.h>
using namespace std;

bool has_exact_pair(const vector<int>& weights, int capacity) {
    int i = 0, j = (int)weights.size() - 1;
    while (i <= j) {
        int total = weights[i] + weights[j];
        if (total == capacity) return true;
        if (total < capacity) ++i;
        else --j;
    }
    return false;
}
