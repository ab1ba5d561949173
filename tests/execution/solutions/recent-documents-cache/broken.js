class DocumentCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.docs = new Map(); // insertion order is recency order
  }

  lookup(docId) {
    if (!this.docs.has(docId)) return -1;
    const version = this.docs.get(docId);
    return version;
  }

  store(docId, version) {
    this.docs.delete(docId);
    this.docs.set(docId, version);
    if (this.docs.size > this.capacity) this.docs.delete(this.docs.keys().next().value);
  }
}
