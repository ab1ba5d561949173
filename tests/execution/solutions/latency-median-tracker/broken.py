class LatencyTracker:
    def __init__(self):
        self.readings = []

    def record(self, ms):
        self.readings.append(ms)

    def discard(self, ms):
        if ms in self.readings:
            self.readings.remove(ms)
            return True
        return False

    def median(self):
        ordered = sorted(self.readings)
        return float(ordered[len(ordered) // 2])  # wrong for an even count
