import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { ParquetFileError, ParquetSchemaError, ParquetValueError } from '../../src/parquet/errors.js';
import { readParquet, readParquetSchema } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { ColumnShape, CValue, ValueKind } from '../../src/values/kinds.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-pq-err-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const one = (kind: ValueKind, extra: Partial<ColumnShape> = {}): ColumnShape[] => [{ name: 'v', kind, nullable: false, djType: null, sqlType: kind, ...extra }];

async function* rowsOf(values: CValue[]): AsyncGenerator<CValue[][]> {
  yield values.map((v) => [v]);
}

async function expectValueError(columns: ColumnShape[], values: CValue[], pattern: RegExp): Promise<void> {
  const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.parquet`);
  const err = await writeParquet(path, columns, rowsOf(values)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ParquetValueError);
  expect((err as Error).message).toMatch(pattern);
  expect(existsSync(path), 'no partial file is left').toBe(false);
}

describe('bad values are rejected with a clear error and no file', () => {
  it('rejects values of the wrong type or range', async () => {
    await expectValueError(one('int8'), [128], /"v" \(int8\) row 0: number 128 is not an integer in -128\.\.127/);
    await expectValueError(one('uint32'), [1, -1], /row 1/);
    await expectValueError(one('int32'), [1.5], /not an integer/);
    await expectValueError(one('int64'), [2n ** 63n], /outside/);
    await expectValueError(one('uint64'), [-1n], /outside 0\.\.18446744073709551615/);
    await expectValueError(one('float32'), [1.1], /not exactly representable as float32/);
    await expectValueError(one('bool'), [1], /not a boolean/);
    await expectValueError(one('string'), [new Uint8Array(1)], /not a string/);
    await expectValueError(one('bytes'), ['abc'], /not a Uint8Array/);
    await expectValueError(one('uuid'), [new Uint8Array(15)], /16-byte/);
    await expectValueError(one('datetime'), ['2020-01-01'], /not a bigint/);
  });

  it('rejects decimal text that is malformed or does not fit', async () => {
    const d = one('decimal', { precision: 5, scale: 2 });
    await expectValueError(d, ['1234.5'], /decimal\(5,2\)/);
    await expectValueError(d, ['1.234'], /decimal\(5,2\)/);
    await expectValueError(d, ['1e2'], /decimal\(5,2\)/);
    await expectValueError(d, ['NaN'], /decimal\(5,2\)/);
    await expectValueError(one('decimal', { precision: 65, scale: 30 }), ['1.0000000000000000000000000000001'], /decimal\(65,30\)/);
  });

  it('rejects a row too large for the wasm writer instead of crashing in it', async () => {
    await expectValueError(one('bytes'), [new Uint8Array(10), new Uint8Array(256 * 1024 * 1024 + 1)], /Row 1 holds 268435457 bytes .* object store/);
  });

  it('rejects NULL in a NOT NULL column and rows of the wrong width', async () => {
    await expectValueError(one('int32'), [null], /NULL in a NOT NULL column/);
    const path = join(dir, 'width.parquet');
    const err = await writeParquet(path, one('int32'), (async function* () { yield [[1, 2]]; })()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParquetValueError);
    expect((err as Error).message).toMatch(/Row 0 has 2 values; the table has 1 columns/);
  });

  it('passes on an error of the row source and removes the partial file', async () => {
    const path = join(dir, 'source.parquet');
    async function* failing(): AsyncGenerator<CValue[][]> {
      for (let i = 0; i < 5; i++) yield Array.from({ length: 50_000 }, (_, k) => [i * 50_000 + k]);
      throw new Error('connection lost');
    }
    await expect(writeParquet(path, one('int32'), failing(), { rowGroupMaxRows: 10_000 })).rejects.toThrow('connection lost');
    expect(existsSync(path)).toBe(false);
  });
});

describe('bad shapes and files', () => {
  it('rejects column shapes it cannot map', async () => {
    const p = join(dir, 'shape.parquet');
    await expect(writeParquet(p, one('decimal'), rowsOf([]))).rejects.toThrow(ParquetSchemaError);
    await expect(writeParquet(p, one('decimal', { precision: 5, scale: 6 }), rowsOf([]))).rejects.toThrow(/0 <= scale <= precision/);
    await expect(writeParquet(p, [...one('int8'), ...one('int8')], rowsOf([]))).rejects.toThrow(/appears twice/);
    await expect(writeParquet(p, [], rowsOf([]))).rejects.toThrow(/at least one column/);
    await expect(writeParquet(p, one('nope' as ValueKind), rowsOf([]))).rejects.toThrow(/unknown kind "nope"/);
    await expect(writeParquet(p, one('int8'), rowsOf([]), { maxRowsPerFile: 0 })).rejects.toThrow(/maxRowsPerFile/);
  });

  it('refuses a file that is not Parquet', async () => {
    const p = join(dir, 'not.parquet');
    writeFileSync(p, 'hello world, not parquet');
    await expect(readParquetSchema(p)).rejects.toThrow(ParquetFileError);
    await expect(readParquetSchema(join(dir, 'missing.parquet'))).rejects.toThrow(/Cannot open/);
  });

  it('refuses a Parquet file without dj-snapshot metadata', async () => {
    const p = join(dir, 'foreign.parquet');
    const t = arrow.tableFromArrays({ x: Int32Array.from([1, 2, 3]) });
    writeFileSync(p, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(t, 'stream'))));
    await expect(readParquetSchema(p)).rejects.toThrow(/carries no dj.kind metadata/);
    const it = readParquet(p)[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toThrow(ParquetFileError);
  });
});
