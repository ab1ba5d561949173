def first_solo_sender(senders):
    # TODO: count, then scan in order
    return ""
