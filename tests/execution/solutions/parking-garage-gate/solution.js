class GarageGate {
  constructor(capacity) {
    this.capacity = capacity;
    this.inside = new Set();
  }

  enter(plate) {
    if (this.inside.size >= this.capacity || this.inside.has(plate)) return false;
    this.inside.add(plate);
    return true;
  }

  leave(plate) {
    return this.inside.delete(plate);
  }

  occupied() {
    return this.inside.size;
  }
}
