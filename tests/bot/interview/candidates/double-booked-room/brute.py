def has_conflict(bookings):
    # Every pair: two bookings clash when each starts before the other ends.
    for i in range(len(bookings)):
        for j in range(i + 1, len(bookings)):
            a, b = bookings[i], bookings[j]
            if a[0] < b[1] and b[0] < a[1]:
                return True
    return False
