/**
 * FileRanges, the file parquet-wasm reads through: Blob's slice semantics (relative, negative,
 * clamped, nested), exact bytes, a clear error for a file cut short, and no open file left
 * behind by a reader that stops early or finishes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRanges } from '../../src/parquet/file-ranges.js';
import { readParquet } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { ColumnShape, CValue } from '../../src/values/kinds.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-file-ranges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('FileRanges', () => {
  const bytes = randomBytes(100_000);
  const file = join(dir, 'bytes.bin');
  writeFileSync(file, bytes);

  it('reads the same ranges as a Blob of the same bytes', async () => {
    const ranges = await FileRanges.open(file);
    const blob = new Blob([bytes]);
    try {
      expect(ranges.size).toBe(bytes.length);
      const cases: [number?, number?][] = [[], [0, 10], [99_990], [-8], [-20, -10], [50, 40], [-5, 200_000], [120_000, 130_000], [3, 3]];
      for (const [a, b] of cases) {
        const got = Buffer.from(await ranges.slice(a, b).arrayBuffer());
        const want = Buffer.from(await blob.slice(a, b).arrayBuffer());
        expect(got.equals(want), `slice(${a}, ${b})`).toBe(true);
      }
      // Nested slices are relative to their parent, as with Blob.
      const nested = Buffer.from(await ranges.slice(1000, 2000).slice(-100, -50).arrayBuffer());
      expect(nested.equals(bytes.subarray(1900, 1950))).toBe(true);
      expect(ranges.slice(1000, 2000).slice(-100, -50).size).toBe(50);
    } finally {
      await ranges.close();
    }
  });

  it('says so when the file is cut short under it', async () => {
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, bytes);
    const ranges = await FileRanges.open(cut);
    try {
      truncateSync(cut, 500);
      await expect(ranges.slice(400, 1000).arrayBuffer()).rejects.toThrow(/ended at byte 500, before 1000: it was truncated/);
    } finally {
      await ranges.close();
    }
  });
});

describe('readParquet over FileRanges', () => {
  const columns: ColumnShape[] = [
    { name: 'id', kind: 'int64', nullable: false, djType: 'int64', sqlType: 'bigint' },
    { name: 'payload', kind: 'bytes', nullable: false, djType: '<blob>', sqlType: 'longblob' },
  ];
  const rows: CValue[][] = Array.from({ length: 20_000 }, (_, i) => [BigInt(i), randomBytes(300)]);
  const file = join(dir, 'rows.parquet');

  it('closes the file whether the reader finishes or stops early', async () => {
    await writeParquet(file, columns, (async function* () { yield rows; })(), { rowGroupMaxRows: 2000 });
    const before = openFds();
    let n = 0;
    for await (const batch of readParquet(file, { batchSize: 1000 })) n += batch.length;
    expect(n).toBe(rows.length);
    expect(openFds()).toBe(before);
    for await (const batch of readParquet(file, { batchSize: 1000 })) {
      expect(batch[0][0]).toBe(0n);
      break;
    }
    expect(openFds()).toBe(before);
  });
});
