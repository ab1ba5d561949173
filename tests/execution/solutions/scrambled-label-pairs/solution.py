from collections import Counter


def anagram_pairs(labels):
    groups = Counter("".join(sorted(label)) for label in labels)
    return sum(size * (size - 1) // 2 for size in groups.values())
