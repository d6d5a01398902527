import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../src/util/map-concurrently.js';

describe('mapConcurrently', () => {
  it('keeps the items\' order whatever order the calls end in, and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const delays = [30, 5, 20, 1, 15, 2, 25, 3];
    const out = await mapConcurrently(delays, 3, async (ms, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(delays.map((ms, i) => `${i}:${ms}`));
    expect(most).toBe(3);
  });

  it('handles no items, and a limit above the number of items', async () => {
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
    expect(await mapConcurrently([1, 2], 8, async (x) => x * 2)).toEqual([2, 4]);
  });

  it('rejects with the first failure', async () => {
    await expect(mapConcurrently([1, 2, 3], 2, async (x) => {
      if (x === 2) throw new Error('item 2 failed');
      return x;
    })).rejects.toThrow('item 2 failed');
  });
});
