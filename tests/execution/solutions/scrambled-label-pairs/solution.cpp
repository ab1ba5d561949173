#include <bits/stdc++.h>
using namespace std;

long long anagram_pairs(const vector<string>& labels) {
    unordered_map<string, long long> groups;
    long long pairs = 0;
    for (string label : labels) {
        sort(label.begin(), label.end());
        pairs += groups[label]++;
    }
    return pairs;
}
