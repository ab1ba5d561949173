def count_windows(changes, target):
    # Sliding window: only right for non-negative changes.
    count = total = left = 0
    for right, change in enumerate(changes):
        total += change
        while total > target and left <= right:
            total -= changes[left]
            left += 1
        if total == target and left <= right:
            count += 1
    return count
