class LatencyTracker {
  constructor() {
    this.readings = []; // kept sorted
  }

  position(ms) {
    let lo = 0, hi = this.readings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.readings[mid] < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  record(ms) {
    this.readings.splice(this.position(ms), 0, ms);
  }

  discard(ms) {
    const i = this.position(ms);
    if (this.readings[i] !== ms) return false;
    this.readings.splice(i, 1);
    return true;
  }

  median() {
    const n = this.readings.length;
    if (n % 2) return this.readings[(n - 1) / 2];
    return this.readings[n / 2];
  }
}
