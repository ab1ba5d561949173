#include <bits/stdc++.h>
using namespace std;

class DocumentCache {
    size_t capacity;
    list<pair<int, int>> recency;  // most recent first
    unordered_map<int, list<pair<int, int>>::iterator> where;

  public:
    DocumentCache(int capacity) : capacity(capacity) {}

    int lookup(int doc_id) {
        auto it = where.find(doc_id);
        if (it == where.end()) return -1;
        return it->second->second;
    }

    void store(int doc_id, int version) {
        auto it = where.find(doc_id);
        if (it != where.end()) recency.erase(it->second);
        recency.push_front({doc_id, version});
        where[doc_id] = recency.begin();
        if (recency.size() > capacity) {
            where.erase(recency.back().first);
            recency.pop_back();
        }
    }
};
