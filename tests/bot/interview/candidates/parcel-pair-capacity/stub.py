def has_exact_pair(weights, capacity):
    # TODO: two pointers from both ends
    return False
