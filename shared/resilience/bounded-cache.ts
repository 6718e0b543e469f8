/**
 * A Map that forgets its least recently used entry past `max`: the caches that live as long as a
 * warm Functions host (MSAL clients per app and secret, vault credentials, warm secrets) must not
 * grow with every rotated secret or reconfigured vault. Fifteen lines did not justify a
 * dependency; Map keeps insertion order, so re-inserting on use makes the first key the oldest.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
