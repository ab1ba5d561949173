def can_split(tag, words):
    known = set(words)
    ok = [True] + [False] * len(tag)
    for end in range(1, len(tag) + 1):
        ok[end] = any(ok[start] and tag[start:end] in known for start in range(end))
    return ok[len(tag)]
