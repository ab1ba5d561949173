#include <bits/stdc++.h>
using namespace std;

struct Node {
    long long value;
    Node* left = nullptr;
    Node* right = nullptr;
};

static long long gain(Node* node, long long& best) {
    if (!node) return 0;
    long long left = max(gain(node->left, best), 0LL);
    long long right = max(gain(node->right, best), 0LL);
    best = max(best, node->value + left + right);
    return node->value + max(left, right);
}

long long best_route(const vector<optional<long long>>& root) {
    if (root.empty() || !root[0]) return 0;
    deque<Node> nodes;
    nodes.push_back({*root[0]});
    queue<Node*> pending;
    pending.push(&nodes.back());
    size_t i = 1;
    while (!pending.empty() && i < root.size()) {
        Node* node = pending.front();
        pending.pop();
        for (Node** child : {&node->left, &node->right}) {
            if (i < root.size() && root[i]) {
                nodes.push_back({*root[i]});
                *child = &nodes.back();
                pending.push(*child);
            }
            ++i;
        }
    }
    long long best = LLONG_MIN;
    gain(&nodes.front(), best);
    return best;
}
