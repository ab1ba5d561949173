#include <bits/stdc++.h>
using namespace std;

int trapped_water(const vector<int>& heights) {
    int left = 0, right = (int)heights.size() - 1;
    int left_max = 0, right_max = 0, water = 0;
    while (left < right) {
        if (heights[left] < heights[right]) {
            left_max = max(left_max, heights[left]);
            water += left_max - heights[left++];
        } else {
            right_max = max(right_max, heights[right]);
            water += left_max > heights[right] ? left_max - heights[right] : 0;
            --right;
        }
    }
    return water;
}
