def has_conflict(bookings):
    ordered = sorted(bookings)
    return any(ordered[i][0] < ordered[i - 1][1] for i in range(1, len(ordered)))
