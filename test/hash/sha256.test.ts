import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Into } from '../../src/hash/sha256.js';

describe('sha256Into', () => {
  it('matches node:crypto around every block boundary', () => {
    const out = new Uint8Array(40);
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n + 3);
      sha256Into(data, 3, n + 3, out, 5);
      expect(Buffer.from(out.subarray(5, 37)).toString('hex'), `length ${n}`).toBe(createHash('sha256').update(data.subarray(3)).digest('hex'));
    }
  });

  it('hashes a whole buffer and long inputs, leaving the bytes around the digest alone', () => {
    for (const n of [0, 1, 1100, 70_000]) {
      const data = randomBytes(n);
      const out = new Uint8Array(34).fill(0xee);
      sha256Into(data, 0, n, out, 1);
      expect(Buffer.from(out.subarray(1, 33)).toString('hex'), `length ${n}`).toBe(createHash('sha256').update(data).digest('hex'));
      expect([out[0], out[33]]).toEqual([0xee, 0xee]);
    }
  });
});
