def has_conflict(bookings):
    # TODO: sort and compare neighbours
    pass
