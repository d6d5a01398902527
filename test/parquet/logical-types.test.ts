/**
 * The Parquet annotations in the files, read with the independent footer decoder in
 * footer-inspect.ts (not parquet-wasm, not src/parquet/footer.ts). Expected values come from
 * formats/parquet.md's type table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParquet } from '../../src/parquet/writer.js';
import { ALL_COLUMNS, extremeRows } from './fixtures.js';
import { inspectFooter, type FooterInfo, type LeafInfo } from './footer-inspect.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-pq-lt-'));
let info: FooterInfo;

beforeAll(async () => {
  const path = join(dir, 'all.parquet');
  await writeParquet(path, ALL_COLUMNS, (async function* () { yield extremeRows(); })());
  info = inspectFooter(path);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function leaf(name: string): LeafInfo {
  const l = info.leaves.find((x) => x.name === name);
  if (!l) throw new Error(`no leaf ${name}`);
  return l;
}

describe('Parquet logical and converted types', () => {
  it('pins created_by and keeps only ARROW:schema as key-value metadata', () => {
    expect(info.createdBy).toBe('dj-snapshot parquet v1');
    expect([...info.keyValue.keys()]).toEqual(['ARROW:schema']);
    expect(info.numRows).toBe(6n);
  });

  it('annotates uuid as FIXED_LEN_BYTE_ARRAY(16) with the UUID logical type', () => {
    expect(leaf('uid')).toMatchObject({ physical: 'FIXED_LEN_BYTE_ARRAY', typeLength: 16, logical: 'UUID' });
    expect(leaf('uid').converted).toBeUndefined();
  });

  it('annotates json as BYTE_ARRAY with the JSON logical and converted types', () => {
    expect(leaf('doc')).toMatchObject({ physical: 'BYTE_ARRAY', logical: 'JSON', converted: 'JSON' });
  });

  it('annotates decimals up to 38 digits as DECIMAL and wider ones as STRING', () => {
    expect(leaf('dec')).toMatchObject({ physical: 'FIXED_LEN_BYTE_ARRAY', typeLength: 16, logical: 'DECIMAL(38,10)', converted: 'DECIMAL', precision: 38, scale: 10 });
    expect(leaf('dec_small')).toMatchObject({ physical: 'INT32', logical: 'DECIMAL(5,2)', precision: 5, scale: 2 });
    expect(leaf('dec_wide')).toMatchObject({ physical: 'BYTE_ARRAY', logical: 'STRING', converted: 'UTF8' });
  });

  it('annotates datetime as TIMESTAMP(MICROS) not adjusted to UTC, date as DATE, time as plain INT64', () => {
    expect(leaf('ts')).toMatchObject({ physical: 'INT64', logical: 'TIMESTAMP(MICROS,utc=false)' });
    expect(leaf('day')).toMatchObject({ physical: 'INT32', logical: 'DATE', converted: 'DATE' });
    expect(leaf('dur')).toMatchObject({ physical: 'INT64' });
    expect(leaf('dur').logical).toBeUndefined();
  });

  it('keeps integer width and signedness', () => {
    expect(leaf('i8')).toMatchObject({ physical: 'INT32', logical: 'INT(8,true)', converted: 'INT_8' });
    expect(leaf('i16')).toMatchObject({ physical: 'INT32', logical: 'INT(16,true)', converted: 'INT_16' });
    // Plain INT32/INT64 are signed 32/64-bit by definition; parquet-rs adds no annotation.
    expect(leaf('i32')).toMatchObject({ physical: 'INT32' });
    expect(leaf('i64')).toMatchObject({ physical: 'INT64' });
    expect(leaf('u8')).toMatchObject({ physical: 'INT32', logical: 'INT(8,false)', converted: 'UINT_8' });
    expect(leaf('u16')).toMatchObject({ physical: 'INT32', logical: 'INT(16,false)', converted: 'UINT_16' });
    expect(leaf('u32')).toMatchObject({ physical: 'INT32', logical: 'INT(32,false)', converted: 'UINT_32' });
    expect(leaf('u64')).toMatchObject({ physical: 'INT64', logical: 'INT(64,false)', converted: 'UINT_64' });
  });

  it('maps the remaining kinds', () => {
    expect(leaf('f32').physical).toBe('FLOAT');
    expect(leaf('f64').physical).toBe('DOUBLE');
    expect(leaf('flag').physical).toBe('BOOLEAN');
    expect(leaf('name')).toMatchObject({ physical: 'BYTE_ARRAY', logical: 'STRING' });
    expect(leaf('iv')).toMatchObject({ physical: 'BYTE_ARRAY', logical: 'STRING' });
    expect(leaf('blob').physical).toBe('BYTE_ARRAY');
    expect(leaf('blob').logical).toBeUndefined();
  });

  it('takes nullability from the shape', () => {
    expect(leaf('id').repetition).toBe('REQUIRED');
    expect(leaf('name').repetition).toBe('OPTIONAL');
  });

  it('compresses every chunk with ZSTD, keeps no min/max for bytes and no dictionary for bytes/uuid/floats/datetime', () => {
    const ZSTD = 6;
    const names = info.leaves.map((l) => l.name);
    for (const rg of info.chunkStats) {
      rg.forEach((cs, i) => {
        expect(cs.codec, names[i]).toBe(ZSTD);
        if (names[i] === 'blob') expect(cs.hasMinMax).toBe(false);
        if (names[i] === 'i64') expect(cs.hasMinMax).toBe(true);
        if (['blob', 'uid', 'f32', 'f64', 'ts', 'dec_wide'].includes(names[i])) expect(cs.hasDictionary, names[i]).toBe(false);
        if (names[i] === 'name') expect(cs.hasDictionary).toBe(true);
      });
    }
  });
});
