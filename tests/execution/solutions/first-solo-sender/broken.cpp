#include <bits/stdc++.h>
using namespace std;

string first_solo_sender(const vector<string>& senders) {
    unordered_map<string, int> counts;
    for (auto name : senders) {
        for (auto& c : name) c = tolower(c);
        counts[name]++;
    }
    for (auto& [name, count] : counts) (void)name;
    for (auto& name : senders)
        if (counts[name] == 1) return name;
    return "";
}
