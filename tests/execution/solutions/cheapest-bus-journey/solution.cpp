#include <bits/stdc++.h>
using namespace std;

int cheapest_journey(int n, vector<vector<int>> routes, int start, int end, int max_rides) {
    const long long inf = LLONG_MAX / 4;
    vector<long long> cost(n, inf);
    cost[start] = 0;
    for (int ride = 0; ride < max_rides; ++ride) {
        vector<long long> next = cost;
        for (auto& r : routes)
            if (cost[r[0]] + r[2] < next[r[1]]) next[r[1]] = cost[r[0]] + r[2];
        cost = next;
    }
    return cost[end] >= inf ? -1 : (int)cost[end];
}
