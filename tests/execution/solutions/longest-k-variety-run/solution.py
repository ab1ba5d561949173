from collections import defaultdict


def longest_run(belt, k):
    counts = defaultdict(int)
    best = left = 0
    for right, item in enumerate(belt):
        counts[item] += 1
        while len(counts) > k:
            counts[belt[left]] -= 1
            if counts[belt[left]] == 0:
                del counts[belt[left]]
            left += 1
        best = max(best, right - left + 1)
    return best
