import bisect


class LatencyTracker:
    def __init__(self):
        self.readings = []  # kept sorted

    def record(self, ms):
        bisect.insort(self.readings, ms)

    def discard(self, ms):
        i = bisect.bisect_left(self.readings, ms)
        if i == len(self.readings) or self.readings[i] != ms:
            return False
        self.readings.pop(i)
        return True

    def median(self):
        n = len(self.readings)
        if n % 2:
            return float(self.readings[n // 2])
        return (self.readings[n // 2 - 1] + self.readings[n // 2]) / 2
