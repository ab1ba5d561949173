from collections import Counter


def shortest_window(belt, manifest):
    need = Counter(manifest)
    missing = len(manifest)
    best = (float("inf"), 0)
    left = 0
    for right, code in enumerate(belt):
        if need[code] > 0:
            missing -= 1
        need[code] -= 1
        while missing == 0:
            if right - left + 1 < best[0]:
                best = (right - left + 1, left)
            need[belt[left]] += 1
            if need[belt[left]] > 0:
                missing += 1
            left += 1
    return "" if best[0] == float("inf") else belt[best[1] : best[1] + best[0]]
