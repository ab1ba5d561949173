from collections import Counter


def first_solo_sender(senders):
    counts = Counter(name.lower() for name in senders)
    return next((name for name in senders if counts[name.lower()] == 1), "")
