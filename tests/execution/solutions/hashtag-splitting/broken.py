def can_split(tag, words):
    # Greedy: always takes the longest known prefix.
    rest = tag
    while rest:
        match = max((w for w in words if w and rest.startswith(w)), key=len, default=None)
        if match is None:
            return False
        rest = rest[len(match) :]
    return True
