// An in-process map of at most `capacity` entries: past it the oldest sixteenth goes at once (Map keeps insertion
// order, and setting a key again makes it the newest); a miss costs the caller one lookup elsewhere. The write path
// keeps series ids in one (IngestService) and the batch scanner's skeletons in another (ScannedBatchReader).
// Evicting one entry per insert made every insert at the limit cost ~8 µs: each deletion leaves a hole at the front
// of V8's table, and each `keys().next()` walked past all of them until the table was rebuilt.
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  // onEvict is told of each entry the cache lets go, so that whoever links entries can unlink it.
  constructor(
    private readonly capacity: number,
    private readonly onEvict?: (value: V) => void,
  ) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size <= this.capacity) return;
    let evict = this.entries.size - this.capacity + (this.capacity >> 4);
    for (const [oldest, value] of this.entries) {
      if (evict-- === 0) break;
      this.entries.delete(oldest);
      this.onEvict?.(value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
