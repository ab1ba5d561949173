def has_exact_pair(weights, capacity):
    # Every pair of different positions.
    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] + weights[j] == capacity:
                return True
    return False
