#include <bits/stdc++.h>
using namespace std;

static bool mirrored(const string& s, int i, int j) {
    for (; i < j; ++i, --j)
        if (s[i] != s[j]) return false;
    return true;
}

bool is_near_palindrome(const string& code) {
    string s;
    for (char c : code)
        if (c != '-') s += tolower(c);
    for (int i = 0, j = (int)s.size() - 1; i < j; ++i, --j)
        if (s[i] != s[j]) return mirrored(s, i + 1, j) || mirrored(s, i, j - 1);
    return true;
}
