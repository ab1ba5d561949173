class GarageGate:
    def __init__(self, capacity):
        self.capacity = capacity
        self.inside = set()

    def enter(self, plate):
        if len(self.inside) >= self.capacity or plate in self.inside:
            return False
        self.inside.add(plate)
        return True

    def leave(self, plate):
        if plate not in self.inside:
            return False
        self.inside.remove(plate)
        return True

    def occupied(self):
        return len(self.inside)
