import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { footerLength, patchLogicalTypes } from '../../src/parquet/footer.js';
import { decodeStruct, encodeStruct, ThriftDecodeError } from '../../src/parquet/thrift-compact.js';
import { writeParquet } from '../../src/parquet/writer.js';
import { ALL_COLUMNS, extremeRows } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-pq-thrift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function footerOf(bytes: Uint8Array): Uint8Array {
  const len = footerLength(bytes);
  return bytes.subarray(bytes.length - 8 - len, bytes.length - 8);
}

describe('Thrift compact codec', () => {
  it('re-encodes real parquet-rs footers byte for byte', async () => {
    // A footer straight from parquet-wasm (no patch), with statistics, dictionaries, all types.
    const ipc = arrow.tableToIPC(arrow.tableFromArrays({
      a: Int32Array.from([1, 2, 3]), b: ['x', 'y', 'z'], c: Float64Array.from([1, NaN, -0]),
    }), 'stream');
    const props = new pw.WriterPropertiesBuilder().setStatisticsEnabled(pw.EnabledStatistics.Page).build();
    const raw = pw.writeParquet(pw.Table.fromIPCStream(ipc), props);
    const f1 = new Uint8Array(footerOf(raw));
    expect(encodeStruct(decodeStruct(f1))).toEqual(f1);

    const path = join(dir, 'all.parquet');
    await writeParquet(path, ALL_COLUMNS, (async function* () { yield extremeRows(); })());
    const f2 = new Uint8Array(footerOf(readFileSync(path)));
    expect(encodeStruct(decodeStruct(f2))).toEqual(f2);
    // Patching an already patched footer changes nothing (idempotent, deterministic).
    expect(patchLogicalTypes(f2, ALL_COLUMNS)).toEqual(f2);
  });

  it('rejects truncated input', () => {
    expect(() => decodeStruct(new Uint8Array([0x15]))).toThrow(ThriftDecodeError);
  });
});
