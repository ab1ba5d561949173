def cheapest_journey(n, routes, start, end, max_rides):
    inf = float("inf")
    cost = [inf] * n
    cost[start] = 0
    for _ in range(max_rides + 1):
        nxt = cost[:]
        for a, b, fare in routes:
            if cost[a] + fare < nxt[b]:
                nxt[b] = cost[a] + fare
        cost = nxt
    return -1 if cost[end] == inf else cost[end]
