class GarageGate:
    def __init__(self, capacity):
        self.capacity = capacity
        self.inside = set()

    def enter(self, plate):
        if len(self.inside) >= self.capacity or plate.upper() in self.inside:
            return False
        self.inside.add(plate.upper())
        return True

    def leave(self, plate):
        if plate.upper() not in self.inside:
            return False
        self.inside.remove(plate.upper())
        return True

    def occupied(self):
        return len(self.inside)
