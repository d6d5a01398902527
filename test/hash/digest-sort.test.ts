import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sortDigests } from '../../src/hash/digest-sort.js';

function reference(buf: Uint8Array, n: number): Buffer {
  const recs = Array.from({ length: n }, (_, i) => Buffer.from(buf.subarray(i * 32, i * 32 + 32)));
  return Buffer.concat(recs.sort(Buffer.compare));
}

describe('sortDigests', () => {
  it('sorts random digests like Buffer.compare', () => {
    for (const n of [0, 1, 2, 3, 32, 33, 100, 1024, 1025, 70_000]) {
      const buf = new Uint8Array(randomBytes(n * 32));
      const want = reference(buf, n);
      sortDigests(buf, n);
      expect(Buffer.from(buf).equals(want), `n=${n}`).toBe(true);
    }
  });

  it('sorts digests that share prefixes of every length, down to the last byte', () => {
    const n = 4000;
    const base = randomBytes(32);
    const buf = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      const r = Buffer.from(base);
      const keep = i % 33; // the first `keep` bytes equal to base's, the rest random
      randomBytes(32 - keep).copy(r, keep);
      buf.set(r, i * 32);
    }
    const want = reference(buf, n);
    sortDigests(buf, n);
    expect(Buffer.from(buf).equals(want)).toBe(true);
  });

  it('sorts only the first count records of a larger buffer', () => {
    const buf = new Uint8Array(randomBytes(3000 * 32));
    const tail = Buffer.from(buf.subarray(2000 * 32));
    const want = reference(buf, 2000);
    sortDigests(buf, 2000);
    expect(Buffer.from(buf.subarray(0, 2000 * 32)).equals(want)).toBe(true);
    expect(Buffer.from(buf.subarray(2000 * 32)).equals(tail)).toBe(true);
  });

  it('handles shared prefixes and many duplicates without going quadratic', () => {
    const n = 50_000;
    const buf = new Uint8Array(n * 32);
    const a = randomBytes(32);
    const b = Buffer.from(a);
    b[31] ^= 1;
    for (let i = 0; i < n; i++) buf.set(i % 3 === 0 ? b : i % 3 === 1 ? a : randomBytes(32), i * 32);
    const want = reference(buf, n);
    const t = performance.now();
    sortDigests(buf, n);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(Buffer.from(buf).equals(want)).toBe(true);
  });
});
