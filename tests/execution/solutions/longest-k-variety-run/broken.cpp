#include <bits/stdc++.h>
using namespace std;

int longest_run(string belt, int k) {
    unordered_map<char, int> counts;
    int best = 0;
    for (int left = 0, right = 0; right < (int)belt.size(); ++right) {
        counts[belt[right]]++;
        while ((int)counts.size() > k) {
            if (--counts[belt[left]] == 0) counts.erase(belt[left]);
            ++left;
        }
        best = max(best, right - left);
    }
    return best;
}
