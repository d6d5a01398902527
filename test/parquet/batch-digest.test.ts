/**
 * BatchDigester gives exactly the row digests of decoding the rows (decodeBatch) and digesting
 * them (RowDigester), on every kind and edge value, read through the Arrow C data interface as
 * verification reads them, and on Arrow batches made here with the layouts it must not copy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { RowDigester } from '../../src/hash/row-digest.js';
import { BatchDigester } from '../../src/parquet/batch-digest.js';
import { decodeBatch } from '../../src/parquet/decode-batch.js';
import { forEachParquetBatch, readParquet } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { ColumnShape, CValue } from '../../src/values/kinds.js';
import { ALL_COLUMNS, extremeRows } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-batch-digest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Each row's digest as hex, the way the verification did it before: decode, then digest. */
function rowDigests(columns: readonly ColumnShape[], rows: readonly (readonly CValue[])[]): string[] {
  const d = new RowDigester(columns);
  const out = new Uint8Array(32);
  return rows.map((r) => {
    d.digestInto(r, out, 0);
    return hex(out);
  });
}

function batchDigests(columns: readonly ColumnShape[], batch: arrow.RecordBatch, digester = new BatchDigester(columns)): string[] {
  const out = new Uint8Array(32 * batch.numRows);
  digester.digestBatch(batch, out, 0);
  return Array.from({ length: batch.numRows }, (_, i) => hex(out.subarray(32 * i, 32 * i + 32)));
}

/** Every extreme row many times, with distinct keys, and a blob large enough to be hashed incrementally. */
function manyRows(): CValue[][] {
  const base = extremeRows();
  const rows = Array.from({ length: 300 }, (_, i) => {
    const row = [...base[i % base.length]];
    row[0] = BigInt(i);
    return row;
  });
  const big = [...base[1]];
  big[0] = 300n;
  big[16] = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 255);
  rows.push(big);
  return rows;
}

describe('BatchDigester', () => {
  it('gives the digests of decoding and digesting each row, for every kind, in Parquet files read in place', async () => {
    const file = join(dir, 'all.parquet');
    const rows = manyRows();
    await writeParquet(file, ALL_COLUMNS, (async function* () { yield rows; })(), { rowGroupMaxRows: 37 });
    const decoded: CValue[][] = [];
    for await (const chunk of readParquet(file)) decoded.push(...chunk);
    const want = rowDigests(ALL_COLUMNS, decoded);
    expect(want).toHaveLength(rows.length);

    for (const batchSize of [1, 7, 8192]) {
      const got: string[] = [];
      const digester = new BatchDigester(ALL_COLUMNS);
      await forEachParquetBatch(file, (batch) => got.push(...batchDigests(ALL_COLUMNS, batch, digester)), { batchSize });
      expect(got, `batch size ${batchSize}`).toEqual(want);
    }
  });

  it('copies strings only when that equals decoding them: BOMs, invalid UTF-8, characters cut between values', () => {
    const columns: ColumnShape[] = [{ name: 's', kind: 'string', nullable: true, djType: 'varchar(9)', sqlType: 'varchar(9)' }];
    const utf8 = (parts: Uint8Array[]): arrow.RecordBatch => {
      const offsets = new Int32Array(parts.length + 1);
      parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
      const data = arrow.makeData({ type: new arrow.Utf8(), length: parts.length, nullCount: 0, valueOffsets: offsets, data: Buffer.concat(parts) });
      return new arrow.RecordBatch(new arrow.Schema([new arrow.Field('s', new arrow.Utf8(), true)]), arrow.makeData({ type: new arrow.Struct([new arrow.Field('s', new arrow.Utf8(), true)]), length: parts.length, nullCount: 0, children: [data] }));
    };
    const euro = Buffer.from('€'); // e2 82 ac
    const cases: Record<string, Uint8Array[]> = {
      'valid, with a BOM and an empty string': [Buffer.from('\ufeffabc'), Buffer.from(''), Buffer.from('ünï🎉')],
      'invalid bytes': [Buffer.from([0x61, 0xff, 0x62]), Buffer.from('ok')],
      'a character cut between two values': [euro.subarray(0, 1), euro.subarray(1), Buffer.from('x')],
      'a value starting on a continuation byte after an empty one': [Buffer.from('a'), euro.subarray(0, 2), Buffer.from(''), euro.subarray(2)],
    };
    for (const [name, parts] of Object.entries(cases)) {
      const batch = utf8(parts);
      expect(batchDigests(columns, batch), name).toEqual(rowDigests(columns, decodeBatch(columns, batch)));
    }
    // Decoding replaced the bad bytes, so a copy of them would have hashed differently.
    const bad = utf8(cases['invalid bytes']);
    expect(decodeBatch(columns, bad)[0][0]).toBe('a\ufffdb');
  });

  it('decodes and digests a sliced batch (arrays with an offset) as the rows it holds', async () => {
    const file = join(dir, 'slice.parquet');
    const rows = manyRows().slice(0, 40);
    await writeParquet(file, ALL_COLUMNS, (async function* () { yield rows; })());
    // A batch owned by JS (decoded from IPC), so it can be kept and sliced.
    const batches = arrow.tableFromIPC(pw.readParquet(readFileSync(file)).intoIPCStream()).batches;
    const sliced = batches[0].slice(5, 25);
    expect(sliced.data.children[0].offset).toBe(5);
    const want = decodeBatch(ALL_COLUMNS, batches[0]).slice(5, 25);
    expect(decodeBatch(ALL_COLUMNS, sliced)).toEqual(want);
    expect(batchDigests(ALL_COLUMNS, sliced)).toEqual(rowDigests(ALL_COLUMNS, want));
  });

  it('digests a layout it does not copy (an int64 column held as Int32) through the decoded rows', () => {
    const columns: ColumnShape[] = [{ name: 'n', kind: 'int64', nullable: true, djType: 'int64', sqlType: 'bigint' }];
    const field = new arrow.Field('n', new arrow.Int32(), true);
    const values = arrow.makeData({ type: new arrow.Int32(), length: 3, nullCount: 0, data: Int32Array.from([-1, 0, 2147483647]) });
    const batch = new arrow.RecordBatch(new arrow.Schema([field]), arrow.makeData({ type: new arrow.Struct([field]), length: 3, nullCount: 0, children: [values] }));
    const want = rowDigests(columns, [[-1n], [0n], [2147483647n]]);
    expect(rowDigests(columns, decodeBatch(columns, batch))).toEqual(want);
    expect(batchDigests(columns, batch)).toEqual(want);
  });

  it('fails a NULL in a NOT NULL column with the message of the row path', async () => {
    const columns: ColumnShape[] = [
      { name: 'id', kind: 'int64', nullable: false, djType: 'int64', sqlType: 'bigint' },
      { name: 'v', kind: 'int32', nullable: true, djType: 'int32', sqlType: 'int' },
    ];
    const file = join(dir, 'nulls.parquet');
    await writeParquet(file, columns, (async function* () { yield [[1n, 1], [2n, null], [3n, 3]]; })());
    const strict = columns.map((c) => ({ ...c, nullable: false }));
    const decoded: CValue[][] = [];
    for await (const chunk of readParquet(file)) decoded.push(...chunk);
    const rowError = (() => {
      try {
        rowDigests(strict, decoded);
      } catch (e) {
        return (e as Error).message;
      }
      return null;
    })();
    expect(rowError).toMatch(/"v" \(int32\) row 1: .*NULL in a NOT NULL column/);
    await expect(forEachParquetBatch(file, (batch) => batchDigests(strict, batch))).rejects.toThrow(rowError!);
  });
});
