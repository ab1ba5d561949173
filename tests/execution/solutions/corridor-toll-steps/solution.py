def min_toll(tolls):
    # a, b: cheapest cost to stand on the tile two back and one back.
    a = b = 0
    for toll in tolls:
        a, b = b, min(a, b) + toll
    return min(a, b)
