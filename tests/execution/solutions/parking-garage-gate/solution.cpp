#include <bits/stdc++.h>
using namespace std;

class GarageGate {
    size_t capacity;
    unordered_set<string> inside;

  public:
    explicit GarageGate(int capacity) : capacity(capacity) {}

    bool enter(const string& plate) {
        if (inside.size() >= capacity || inside.count(plate)) return false;
        inside.insert(plate);
        return true;
    }

    bool leave(const string& plate) { return inside.erase(plate) > 0; }

    int occupied() { return inside.size(); }
};
