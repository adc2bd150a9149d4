/**
 * A least-recently-used map bounded by the total size of its values (`sizeOf`) and, optionally,
 * by how many it holds. A value larger than the whole budget is not kept (and evicts nothing).
 * Used by the commit cache (commit-cache.server.ts) and, as `ByteCache`, for the rendered
 * invoices of app/models/invoices.server.ts.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private total = 0;

  constructor(private readonly options: { maxSize: number; maxEntries?: number; sizeOf: (value: V) => number }) {}

  /** The total size of the values kept. */
  get size() {
    return this.total;
  }

  /** How many values are kept. */
  get count() {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V) {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.total -= old.size;
    }
    const size = this.options.sizeOf(value);
    if (size > this.options.maxSize) return;
    this.entries.set(key, { value, size });
    this.total += size;
    const maxEntries = this.options.maxEntries ?? Infinity;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.options.maxSize && this.entries.size <= maxEntries) break;
      this.entries.delete(oldest);
      this.total -= entry.size;
    }
  }

  clear() {
    this.entries.clear();
    this.total = 0;
  }
}

/** Immutable byte arrays that are costly to read again, bounded by their total size in bytes. */
export class ByteCache<V extends Uint8Array> extends LruCache<V> {
  constructor(readonly maxBytes: number) {
    super({ maxSize: maxBytes, sizeOf: (bytes) => bytes.byteLength });
  }
}
