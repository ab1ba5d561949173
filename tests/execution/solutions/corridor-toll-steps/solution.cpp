#include <bits/stdc++.h>
using namespace std;

int min_toll(vector<int>& tolls) {
    int a = 0, b = 0;  // cheapest cost to stand two back and one back
    for (int toll : tolls) {
        int c = min(a, b) + toll;
        a = b;
        b = c;
    }
    return min(a, b);
}
