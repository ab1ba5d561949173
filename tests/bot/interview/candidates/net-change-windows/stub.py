def count_windows(changes, target):
    # TODO: running totals in a hash map
    return 0
