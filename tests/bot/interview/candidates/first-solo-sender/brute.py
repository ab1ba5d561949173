def first_solo_sender(senders):
    # Count each sender over the whole log, in log order.
    for i in range(len(senders)):
        count = 0
        for j in range(len(senders)):
            if senders[j] == senders[i]:
                count += 1
        if count == 1:
            return senders[i]
    return ""
