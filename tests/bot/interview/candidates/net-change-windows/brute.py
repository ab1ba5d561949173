def count_windows(changes, target):
    # Every start, extended one day at a time.
    count = 0
    for i in range(len(changes)):
        total = 0
        for j in range(i, len(changes)):
            total += changes[j]
            if total == target:
                count += 1
    return count
