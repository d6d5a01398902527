import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquet, readParquetSchema } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { ColumnShape, CValue } from '../../src/values/kinds.js';
import { ALL_COLUMNS, expectedRows, extremeRows } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-pq-rt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* chunks(rows: CValue[][], size = 2): AsyncGenerator<CValue[][]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

async function readAll(path: string, batchSize?: number): Promise<CValue[][]> {
  const out: CValue[][] = [];
  for await (const chunk of readParquet(path, { batchSize })) out.push(...chunk);
  return out;
}

describe('round trip of every kind', () => {
  it('gives back exactly the canonical values written', async () => {
    const path = join(dir, 'all.parquet');
    const res = await writeParquet(path, ALL_COLUMNS, chunks(extremeRows()));
    expect(res.rows).toBe(6);
    expect(res.parts).toHaveLength(1);
    const back = await readAll(path);
    const want = expectedRows();
    expect(back.length).toBe(want.length);
    for (let r = 0; r < want.length; r++) {
      for (let c = 0; c < ALL_COLUMNS.length; c++) {
        const got = back[r][c];
        const exp = want[r][c];
        const label = `row ${r} column ${ALL_COLUMNS[c].name}`;
        if (typeof exp === 'number' && Number.isNaN(exp)) expect(Number.isNaN(got), label).toBe(true);
        else if (typeof exp === 'number') expect(Object.is(got, exp), `${label}: ${String(got)} vs ${exp}`).toBe(true);
        else expect(got, label).toEqual(exp);
      }
    }
  });

  it('gives the same values with views, bytes and uuids then viewing one shared buffer', async () => {
    const path = join(dir, 'views.parquet');
    await writeParquet(path, ALL_COLUMNS, chunks(extremeRows()));
    const copies = await readAll(path);
    const views: CValue[][] = [];
    for await (const chunk of readParquet(path, { views: true })) views.push(...chunk);
    expect(views).toEqual(copies);
    const binary = ALL_COLUMNS.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === 'bytes' || c.kind === 'uuid');
    expect(binary.length).toBeGreaterThan(1);
    const buffersOf = (rows: CValue[][]) => new Set(rows.flatMap((r) => binary.map(({ i }) => r[i]))
      .filter((v): v is Uint8Array => v instanceof Uint8Array).map((v) => v.buffer));
    // Copies own their bytes; views share the chunk's buffer.
    expect(buffersOf(copies).size).toBe(copies.flatMap((r) => binary.map(({ i }) => r[i])).filter((v) => v instanceof Uint8Array).length);
    expect(buffersOf(views).size).toBe(1);
  });

  it('reads the column shapes back from the metadata', async () => {
    const path = join(dir, 'schema.parquet');
    await writeParquet(path, ALL_COLUMNS, chunks([]));
    expect(await readParquetSchema(path)).toEqual(ALL_COLUMNS);
  });

  it('writes an empty table as a file with its schema and no rows', async () => {
    const path = join(dir, 'empty.parquet');
    const res = await writeParquet(path, ALL_COLUMNS, chunks([]));
    expect(res.rows).toBe(0);
    expect(await readAll(path)).toEqual([]);
  });
});
