import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/core/lru-cache.js';

const keysOf = (cache: LruCache<string, number>, candidates: string[]) =>
  candidates.filter((key) => cache.get(key) !== undefined);

describe('GIVEN a cache of four entries', () => {
  it('THEN a fifth entry evicts the one inserted first', () => {
    const cache = new LruCache<string, number>(4, 60_000);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) cache.set(key, i);
    expect(cache.size).toBe(4);
    expect(keysOf(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['b', 'c', 'd', 'e']);
  });

  it('THEN an entry read after others were inserted outlives them', () => {
    const cache = new LruCache<string, number>(4, 60_000);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, i);
    expect(cache.get('a')).toBe(0);
    cache.set('e', 4);
    cache.set('f', 5);
    expect(keysOf(cache, ['a', 'b', 'c', 'd', 'e', 'f'])).toEqual(['a', 'd', 'e', 'f']);
  });

  it('THEN an entry past its time to live is gone', () => {
    let now = 0;
    const cache = new LruCache<string, number>(4, 1000, () => now);
    cache.set('a', 1);
    now = 999;
    expect(cache.get('a')).toBe(1);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('GIVEN a cache of many entries read over and over', () => {
  it('THEN an entry read at least once per half the cache of insertions is never evicted', () => {
    const cache = new LruCache<string, number>(1000, 60_000);
    cache.set('kept', -1);
    for (let i = 0; i < 20_000; i++) {
      cache.set(`k${i}`, i);
      if (i % 500 === 0) expect(cache.get('kept')).toBe(-1);
    }
    expect(cache.get('kept')).toBe(-1);
    expect(cache.size).toBe(1000);
  });

  it('THEN the least recently used of the others go first', () => {
    const cache = new LruCache<string, number>(8, 60_000);
    for (let i = 0; i < 8; i++) cache.set(`k${i}`, i);
    // k7 is the latest already: reading it changes nothing, and k0 still goes first.
    expect(cache.get('k7')).toBe(7);
    cache.set('k8', 8);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBe(1);
  });
});
