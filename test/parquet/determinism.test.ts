import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readParquet } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { ColumnShape, CValue } from '../../src/values/kinds.js';
import { inspectFooter } from './footer-inspect.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-pq-det-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BLOB_COLUMNS: ColumnShape[] = [
  { name: 'id', kind: 'int64', nullable: false, djType: 'int64', sqlType: 'bigint' },
  { name: 'payload', kind: 'bytes', nullable: false, djType: '<blob>', sqlType: 'longblob' },
];

/** Deterministic pseudo-random bytes (xorshift), so blobs do not compress away. */
function blobRows(n: number, size: number): CValue[][] {
  let s = 0x9e3779b9;
  const rows: CValue[][] = [];
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(size);
    for (let j = 0; j < size; j++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      b[j] = s & 255;
    }
    rows.push([BigInt(i), b]);
  }
  return rows;
}

async function* split(rows: CValue[][], sizes: number[]): AsyncGenerator<CValue[][]> {
  let i = 0;
  let k = 0;
  while (i < rows.length) {
    const n = sizes[k++ % sizes.length];
    yield rows.slice(i, i + n);
    i += n;
  }
}

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('deterministic bytes', () => {
  const rows = blobRows(20_000, 1000);

  it('gives identical files for identical rows whatever the input chunking', async () => {
    const a = await writeParquet(join(dir, 'a.parquet'), BLOB_COLUMNS, split(rows, [20_000]));
    const b = await writeParquet(join(dir, 'b.parquet'), BLOB_COLUMNS, split(rows, [1, 7, 1000, 333]));
    const c = await writeParquet(join(dir, 'c.parquet'), BLOB_COLUMNS, split(rows, [4096]));
    const [pa, pb, pc] = [a, b, c].map((r) => r.parts[0].sha256);
    expect(pa).toBe(sha(join(dir, 'a.parquet')));
    expect(pb).toBe(pa);
    expect(pc).toBe(pa);
    expect(a.bytes).toBe(readFileSync(join(dir, 'a.parquet')).length);
  });

  it('closes a row group at the 4 MiB value-byte cap', () => {
    // Each row counts 8 (int64) + 1000 (bytes) = 1008 value bytes; a group closes after the
    // row that brings it to >= 4 MiB: ceil(4194304 / 1008) = 4162 rows.
    const info = inspectFooter(join(dir, 'a.parquet'));
    expect(info.rowGroupRows).toEqual([4162n, 4162n, 4162n, 4162n, BigInt(20_000 - 4 * 4162)]);
  });

  it('closes a row group at 131072 rows', async () => {
    const cols: ColumnShape[] = [{ name: 'k', kind: 'int32', nullable: false, djType: null, sqlType: 'int' }];
    const n = 300_000;
    const narrow = Array.from({ length: n }, (_, i) => [i] as CValue[]);
    const p = join(dir, 'narrow.parquet');
    await writeParquet(p, cols, split(narrow, [50_000]));
    expect(inspectFooter(p).rowGroupRows).toEqual([131072n, 131072n, BigInt(n - 2 * 131072)]);
    let count = 0;
    let sum = 0;
    for await (const chunk of readParquet(p)) for (const r of chunk) { count++; sum += r[0] as number; }
    expect(count).toBe(n);
    expect(sum).toBe((n * (n - 1)) / 2);
  });
});

describe('part files', () => {
  it('splits at row-group boundaries once a part reaches maxRowsPerFile, and reads back whole', async () => {
    const rows = blobRows(2500, 10);
    const base = join(dir, 'parts.parquet');
    const res = await writeParquet(base, BLOB_COLUMNS, split(rows, [77]), { maxRowsPerFile: 1000, rowGroupMaxRows: 300 });
    // Row groups of 300: a part closes after the group that reaches 1000 rows (4 x 300 = 1200).
    expect(res.parts.map((p) => p.rows)).toEqual([1200, 1200, 100]);
    expect(res.parts.map((p) => p.path)).toEqual(['parts.00000.parquet', 'parts.00001.parquet', 'parts.00002.parquet'].map((n) => join(dir, n)));
    expect(existsSync(base), 'the single-file name is not left behind').toBe(false);
    expect(res.rows).toBe(2500);
    for (const p of res.parts) {
      expect(p.sha256).toBe(sha(p.path));
      expect(inspectFooter(p.path).rowGroupRows.every((r) => r <= 300n)).toBe(true);
    }
    const back: CValue[][] = [];
    for (const p of res.parts) for await (const chunk of readParquet(p.path)) back.push(...chunk);
    expect(back).toEqual(rows);
  });

  it('splits by maxBytesPerFile and writes no empty trailing part', async () => {
    const rows = blobRows(100, 1000);
    const res = await writeParquet(join(dir, 'bytes.parquet'), BLOB_COLUMNS, split(rows, [100]), {
      maxBytesPerFile: 50 * 1008, rowGroupMaxRows: 10, partPath: (i) => join(dir, `bytes-${i}.parquet`),
    });
    expect(res.parts.map((p) => p.rows)).toEqual([50, 50]);
    expect(res.parts.map((p) => p.path)).toEqual([join(dir, 'bytes-0.parquet'), join(dir, 'bytes-1.parquet')]);
    // One part: the table keeps its plain name.
    const single = await writeParquet(join(dir, 'one.parquet'), BLOB_COLUMNS, split(rows, [100]), { maxBytesPerFile: 10 ** 9 });
    expect(single.parts.map((p) => p.path)).toEqual([join(dir, 'one.parquet')]);
  });
});
