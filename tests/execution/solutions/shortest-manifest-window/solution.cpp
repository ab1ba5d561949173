#include <bits/stdc++.h>
using namespace std;

string shortest_window(const string& belt, const string& manifest) {
    unordered_map<char, int> need;
    for (char c : manifest) need[c]++;
    int missing = manifest.size(), best_start = 0, best_length = INT_MAX;
    for (int left = 0, right = 0; right < (int)belt.size(); ++right) {
        if (need[belt[right]]-- > 0) --missing;
        while (missing == 0) {
            if (right - left + 1 < best_length) {
                best_start = left;
                best_length = right - left + 1;
            }
            if (++need[belt[left++]] > 0) ++missing;
        }
    }
    return best_length == INT_MAX ? "" : belt.substr(best_start, best_length);
}
