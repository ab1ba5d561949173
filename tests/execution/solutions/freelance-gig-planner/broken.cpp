#include <bits/stdc++.h>
using namespace std;

long long max_pay(vector<vector<int>> gigs) {
    sort(gigs.begin(), gigs.end(), [](auto& x, auto& y) { return x[1] < y[1]; });
    vector<long long> best(gigs.size() + 1, 0);
    for (size_t i = 0; i < gigs.size(); ++i) {
        // Gigs [0, j) end by this gig's start.
        size_t j = upper_bound(gigs.begin(), gigs.begin() + i, gigs[i][0],
                               [](int start, auto& gig) { return start <= gig[1]; }) -
                   gigs.begin();
        best[i + 1] = max(best[i], best[j] + gigs[i][2]);
    }
    return best.back();
}
