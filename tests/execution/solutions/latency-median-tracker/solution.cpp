#include <bits/stdc++.h>
using namespace std;

class LatencyTracker {
    multiset<int> readings;

  public:
    void record(int ms) { readings.insert(ms); }

    bool discard(int ms) {
        auto it = readings.find(ms);
        if (it == readings.end()) return false;
        readings.erase(it);
        return true;
    }

    double median() {
        auto middle = next(readings.begin(), (readings.size() - 1) / 2);
        if (readings.size() % 2) return *middle;
        return (*middle + *next(middle)) / 2.0;
    }
};
