import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';

const series = (id: number) => ({ id, type: 'gauge' as const, helpText: null, unit: null });

describe(BoundedCache.name, () => {
  it('keeps every entry up to its capacity', () => {
    const cache = new BoundedCache<string, ReturnType<typeof series>>(64);
    for (let i = 0; i < 64; i++) cache.set(`k${i}`, series(i));
    expect(cache.size).toBe(64);
    expect(cache.get('k0')?.id).toBe(0);
  });

  it.each([16, 64, 1000])('past a capacity of %i, drops the oldest entries a slice at a time', (capacity) => {
    const cache = new BoundedCache<string, ReturnType<typeof series>>(capacity);
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < capacity * 5; i++) {
      cache.set(`k${i}`, series(i));
      expect(cache.size).toBeLessThanOrEqual(capacity);
      if (i >= capacity) smallest = Math.min(smallest, cache.size);
    }
    // The newest entries stay, the oldest go, and an eviction leaves most of the cache in place.
    expect(cache.get(`k${capacity * 5 - 1}`)?.id).toBe(capacity * 5 - 1);
    expect(cache.get(`k${capacity * 4 - 1}`)).toBeUndefined();
    expect(smallest).toBeGreaterThanOrEqual(capacity - Math.max(1, capacity >> 4));
  });

  it('counts a key set again as new', () => {
    const cache = new BoundedCache<string, ReturnType<typeof series>>(16);
    for (let i = 0; i < 16; i++) cache.set(`k${i}`, series(i));
    cache.set('k0', series(100));
    cache.set('k16', series(16));
    expect(cache.get('k0')?.id).toBe(100);
    expect(cache.get('k1')).toBeUndefined();
  });

  it('tells onEvict of every entry it lets go, and of no other', () => {
    const evicted: number[] = [];
    const cache = new BoundedCache<string, ReturnType<typeof series>>(32, (value) => evicted.push(value.id));
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, series(i));
    const kept = Array.from({ length: 100 }, (_, i) => i).filter((i) => cache.get(`k${i}`) !== undefined);
    expect([...evicted, ...kept]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
