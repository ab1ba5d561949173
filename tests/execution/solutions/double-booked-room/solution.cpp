#include <bits/stdc++.h>
using namespace std;

bool has_conflict(vector<vector<int>> bookings) {
    sort(bookings.begin(), bookings.end());
    for (size_t i = 1; i < bookings.size(); ++i)
        if (bookings[i][0] < bookings[i - 1][1]) return true;
    return false;
}
