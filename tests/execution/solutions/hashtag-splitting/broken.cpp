#include <bits/stdc++.h>
using namespace std;

bool can_split(const string& tag, const vector<string>& words) {
    unordered_set<string> known(words.begin(), words.end());
    vector<bool> ok(tag.size() + 1, false);
    ok[0] = true;
    for (size_t end = 1; end <= tag.size(); ++end)
        for (size_t start = end > 3 ? end - 3 : 0; start < end && !ok[end]; ++start)
            if (ok[start] && known.count(tag.substr(start, end - start))) ok[end] = true;
    return ok[tag.size()];
}
