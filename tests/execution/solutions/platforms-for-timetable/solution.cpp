#include <bits/stdc++.h>
using namespace std;

int platforms_needed(const vector<vector<int>>& trains) {
    vector<pair<int, int>> events;  // (minute, 0 = arrives, 1 = departs)
    for (auto& t : trains) {
        events.push_back({t[0], 0});
        events.push_back({t[1], 1});
    }
    sort(events.begin(), events.end());
    int busy = 0, best = 0;
    for (auto& [minute, leaving] : events) {
        busy += leaving ? -1 : 1;
        best = max(best, busy);
    }
    return best;
}
