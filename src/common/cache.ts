/**
 * A map that keeps at most `capacity` entries, dropping the least recently used, for caching
 * pure functions of their inputs (cron run times, PromQL parse results) without letting
 * memory grow with every distinct input a long-lived process sees.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The cached value, marked as recently used; undefined when absent. */
  public get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Caches `value`, dropping the least recently used entry when full. */
  public set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  /** The value for `key`, computed by `compute` and cached when absent. */
  public getOrCompute(key: K, compute: () => V): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = compute();
    this.set(key, value);
    return value;
  }

  /** How many entries are cached. */
  public get size(): number {
    return this.entries.size;
  }
}
