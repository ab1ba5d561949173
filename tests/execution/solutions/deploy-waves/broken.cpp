#include <bits/stdc++.h>
using namespace std;

int deploy_waves(int n, const vector<vector<int>>& depends) {
    vector<int> waiting(n);
    vector<vector<int>> unlocks(n);
    for (auto& d : depends) {
        waiting[d[0]]++;
        unlocks[d[1]].push_back(d[0]);
    }
    vector<int> wave;
    for (int s = 0; s < n; ++s)
        if (!waiting[s]) wave.push_back(s);
    int waves = 0, deployed = 0;
    while (!wave.empty()) {
        ++waves;
        deployed += wave.size();
        vector<int> following;
        for (int s : wave)
            for (int t : unlocks[s])
                if (--waiting[t] == 0) following.push_back(t);
        wave = following;
    }
    return waves;
}
