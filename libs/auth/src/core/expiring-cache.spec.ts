import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  it('forgets an entry once its time to live has passed', () => {
    let now = 1000;
    const cache = new ExpiringCache<string>(5000, 10, () => now);
    cache.set('a', 'x');
    now = 5999;
    expect(cache.get('a')).toBe('x');
    now = 6000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('deletes on demand and stays bounded', () => {
    const cache = new ExpiringCache<number>(60_000, 2);
    cache.set('a', 1);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', 2);
    cache.set('c', 3);
    cache.set('d', 4);
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([undefined, undefined, 4]);
  });
});
