def has_exact_pair(weights, capacity):
    i, j = 0, len(weights) - 1
    while i <= j:
        total = weights[i] + weights[j]
        if total == capacity:
            return True
        if total < capacity:
            i += 1
        else:
            j -= 1
    return False
