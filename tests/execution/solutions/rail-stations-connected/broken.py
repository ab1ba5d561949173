def connected(n, tracks, a, b):
    # Follows tracks one way only.
    reach, frontier = {a}, [a]
    while frontier:
        x = frontier.pop()
        for p, q in tracks:
            if p == x and q not in reach:
                reach.add(q)
                frontier.append(q)
    return b in reach
