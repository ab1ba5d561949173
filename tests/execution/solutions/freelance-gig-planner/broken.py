import bisect


def max_pay(gigs):
    gigs = sorted(gigs, key=lambda gig: gig[1])
    ends = [gig[1] for gig in gigs]
    best = [0] * (len(gigs) + 1)
    for i, (start, _end, pay) in enumerate(gigs):
        j = bisect.bisect_left(ends, start, 0, i)
        best[i + 1] = max(best[i], best[j] + pay)
    return best[-1]
