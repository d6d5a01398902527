/**
 * The digest pool computes, in worker threads, exactly the row digests the table hash takes
 * from rows read here: same table hash whatever the split into tasks and their order; a bad
 * file fails its task with the reader's message and leaves the pool usable.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TableHasher } from '../../src/hash/index.js';
import { DigestPool, DigestTaskError } from '../../src/import/digest-pool.js';
import { openParquet, readParquet } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { CValue } from '../../src/values/kinds.js';
import { ALL_COLUMNS, extremeRows } from '../parquet/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-digest-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 600 rows of every kind: the extreme rows again and again, with distinct keys. */
function manyRows(): CValue[][] {
  const base = extremeRows();
  return Array.from({ length: 600 }, (_, i) => {
    const row = [...base[i % base.length]];
    row[0] = BigInt(i);
    return row;
  });
}

async function serialHash(file: string): Promise<string> {
  const hasher = new TableHasher(ALL_COLUMNS);
  for await (const batch of readParquet(file)) hasher.addRows(batch);
  return hasher.digest();
}

describe('DigestPool', () => {
  it('gives the table hash of reading the rows here, for any split of the row groups and any order', async () => {
    const file = join(dir, 'all.parquet');
    await writeParquet(file, ALL_COLUMNS, (async function* () { yield manyRows(); })(), { rowGroupMaxRows: 37 });
    const source = await openParquet(file);
    const { rowGroups } = source;
    await source.close();
    expect(rowGroups).toBe(17);
    const expected = await serialHash(file);

    const pool = new DigestPool(2);
    try {
      for (const size of [1, 5, 17]) {
        const tasks: number[][] = [];
        for (let g = 0; g < rowGroups; g += size) tasks.push(Array.from({ length: Math.min(size, rowGroups - g) }, (_, k) => g + k));
        tasks.reverse();
        const hasher = new TableHasher(ALL_COLUMNS);
        const done = await Promise.all(tasks.map((t) => pool.digest(file, ALL_COLUMNS, t)));
        for (const d of done) hasher.addDigests(d.digests);
        expect(done.reduce((n, d) => n + d.rows, 0)).toBe(600);
        expect(await hasher.digest()).toBe(expected);
      }
    } finally {
      await pool.close();
    }
  });

  it('fails the task of a damaged file with the reader\'s message, and goes on with the next', async () => {
    const good = join(dir, 'good.parquet');
    await writeParquet(good, ALL_COLUMNS, (async function* () { yield extremeRows(); })());
    const bad = join(dir, 'bad.parquet');
    const bytes = readFileSync(good);
    writeFileSync(bad, bytes.subarray(0, bytes.length - 20));
    const pool = new DigestPool(1);
    try {
      const failure = await pool.digest(bad, ALL_COLUMNS, [0]).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DigestTaskError);
      expect((failure as Error).message).toMatch(/not a readable Parquet file/);
      expect((await pool.digest(good, ALL_COLUMNS, [0])).rows).toBe(extremeRows().length);
    } finally {
      await pool.close();
    }
  });

  it('digestInto: bounded tasks into a hasher; a failed task stops the rest and is rethrown once all started ones settle', async () => {
    const file = join(dir, 'into.parquet');
    await writeParquet(file, ALL_COLUMNS, (async function* () { yield manyRows(); })(), { rowGroupMaxRows: 37 });
    const pool = new DigestPool(1);
    try {
      const started: number[] = [];
      const tasks = function* (bad: number | null) {
        for (let g = 0; g < 17; g++) {
          yield () => {
            started.push(g);
            return g === bad ? pool.digest(join(dir, 'missing.parquet'), ALL_COLUMNS, [0]) : pool.digest(file, ALL_COLUMNS, [g]);
          };
        }
      };
      const hasher = new TableHasher(ALL_COLUMNS);
      expect(await pool.digestInto(hasher, tasks(null))).toBe(600);
      expect(await hasher.digest()).toBe(await serialHash(file));

      started.length = 0;
      await expect(pool.digestInto(new TableHasher(ALL_COLUMNS), tasks(3))).rejects.toThrow(/Cannot open/);
      // At most two tasks per worker are in flight: the failure is seen before all 17 start.
      expect(started.length).toBeLessThan(17);
    } finally {
      await pool.close();
    }
  });

  it('prestarted workers take the tasks, and a pool closed before any task stops them', async () => {
    const file = join(dir, 'prestart.parquet');
    await writeParquet(file, ALL_COLUMNS, (async function* () { yield extremeRows(); })());
    const pool = new DigestPool(2);
    pool.prestartForParquet();
    try {
      const done = await Promise.all([pool.digest(file, ALL_COLUMNS, [0]), pool.digest(file, ALL_COLUMNS, [0])]);
      expect(done.map((d) => d.rows)).toEqual([extremeRows().length, extremeRows().length]);
      expect(Buffer.from(done[0].digests).equals(Buffer.from(done[1].digests))).toBe(true);
    } finally {
      await pool.close();
    }
    const idle = new DigestPool(2);
    idle.prestartForParquet();
    await idle.close();
    await expect(idle.digest(file, ALL_COLUMNS, [0])).rejects.toThrow(DigestTaskError);
  });

  it('rejects what is still queued when closed', async () => {
    const file = join(dir, 'queued.parquet');
    await writeParquet(file, ALL_COLUMNS, (async function* () { yield manyRows(); })(), { rowGroupMaxRows: 100 });
    const pool = new DigestPool(1);
    const pending = [0, 1, 2].map((g) => pool.digest(file, ALL_COLUMNS, [g]).then(() => 'done', (e: Error) => e.message));
    await pool.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.some((o) => /closed/.test(o))).toBe(true);
    await expect(pool.digest(file, ALL_COLUMNS, [0])).rejects.toThrow(/closed/);
  });
});
