from collections import Counter


def first_solo_sender(senders):
    counts = Counter(senders)
    return next((name for name in senders if counts[name] == 1), "")
