def platforms_needed(trains):
    events = sorted([(arrive, 0) for arrive, _ in trains] + [(depart, 1) for _, depart in trains])
    busy = best = 0
    for _minute, leaving in events:
        busy += -1 if leaving else 1
        best = max(best, busy)
    return best
