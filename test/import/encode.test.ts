/**
 * The stream formats byte for byte, against the rules of the servers' documentation:
 * PostgreSQL COPY text (backslash escapes, `\N`, bytea hex with a doubled backslash) and
 * MySQL LOAD DATA with ESCAPED BY '\\' (`\0 \t \n \\` escaped, everything else raw).
 */
import { describe, expect, it } from 'vitest';
import { ChunkWriter } from '../../src/import/encode/chunk.js';
import { literalFor, uuidText, ValueConversionError, type TargetColumn } from '../../src/import/encode/literal.js';
import { mysqlInfileRowWriter } from '../../src/import/encode/mysql-infile.js';
import { pgBinaryFields, pgBinaryRowWriter, writeNumeric } from '../../src/import/encode/pg-binary.js';
import { pgTextRowWriter } from '../../src/import/encode/pg-text.js';
import type { CValue, ValueKind } from '../../src/values/kinds.js';

const col = (kind: ValueKind, dataType: string, sqlType = dataType): TargetColumn => ({ name: 'c', kind, dataType, sqlType, charset: null });

function pgLine(cols: TargetColumn[], row: CValue[]): string {
  const w = new ChunkWriter(4);
  pgTextRowWriter(cols.map((c, i) => ({ source: i, literal: literalFor('postgres', c, 'c') })))(w, row);
  return w.take().toString('latin1');
}

function mysqlLine(cols: TargetColumn[], row: CValue[]): Buffer {
  const w = new ChunkWriter(4);
  mysqlInfileRowWriter(cols.map((c, i) => ({ source: i, literal: literalFor('mysql', c, 'c') })))(w, row);
  return w.take();
}

describe('PostgreSQL COPY text', () => {
  it('escapes text, writes NULL as \\N and bytea as \\\\x hex', () => {
    const line = pgLine(
      [col('string', 'text'), col('bytes', 'bytea'), col('int32', 'integer'), col('bool', 'boolean')],
      ['a\tb\nc\\d\re', new Uint8Array([0, 0x5c, 0xff]), null, true],
    );
    expect(line).toBe('a\\tb\\nc\\\\d\\re\t\\\\x005cff\t\\N\tt\n');
  });

  it('keeps UTF-8 text as UTF-8 bytes', () => {
    const w = new ChunkWriter(1);
    pgTextRowWriter([{ source: 0, literal: literalFor('postgres', col('string', 'text'), 'c') }])(w, ['🧪é']);
    expect(w.take()).toEqual(Buffer.from('🧪é\n', 'utf8'));
  });

  it('writes uuids in their text form and floats exactly, NaN and infinities included', () => {
    const u = new Uint8Array(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    expect(pgLine([col('uuid', 'uuid')], [u])).toBe('00112233-4455-6677-8899-aabbccddeeff\n');
    expect(pgLine([col('float64', 'double precision')], [0.1])).toBe('0.1\n');
    expect(pgLine([col('float64', 'double precision')], [Number.NaN])).toBe('NaN\n');
    expect(pgLine([col('float64', 'double precision')], [-Infinity])).toBe('-Infinity\n');
    expect(pgLine([col('float64', 'double precision')], [-0])).toBe('-0\n');
    expect(pgLine([col('float32', 'real')], [Math.fround(0.1)])).toBe('0.10000000149011612\n');
  });

  it('writes dates, times and datetimes from their integer forms', () => {
    // 2000-03-01 is day 11017; 1969-12-31 23:59:59.999999 is -1 µs.
    expect(pgLine([col('date', 'date'), col('datetime', 'timestamp without time zone'), col('time', 'time without time zone')],
      [11017, -1n, 3723_000_004n])).toBe('2000-03-01\t1969-12-31 23:59:59.999999\t01:02:03.000004\n');
  });
});

describe('MySQL LOAD DATA', () => {
  it('escapes exactly NUL, tab, newline and backslash, in blobs and text', () => {
    const raw = new Uint8Array([0x00, 0x09, 0x0a, 0x0d, 0x5c, 0x4e, 0xff]);
    expect(mysqlLine([col('bytes', 'longblob'), col('string', 'varchar')], [raw, 'x\ty\0z'])).toEqual(Buffer.from([
      0x5c, 0x30, 0x5c, 0x74, 0x5c, 0x6e, 0x0d, 0x5c, 0x5c, 0x4e, 0xff, 0x09,
      ...Buffer.from('x\\ty\\0z'), 0x0a,
    ]));
  });

  it('writes a uuid as its 16 bytes for binary(16), booleans as 1/0, NULL as \\N', () => {
    const u = new Uint8Array(16).fill(0x41);
    expect(mysqlLine([col('uuid', 'binary', 'binary(16)'), col('bool', 'tinyint'), col('int64', 'bigint')], [u, false, null]))
      .toEqual(Buffer.from(`${'A'.repeat(16)}\t0\t\\N\n`));
  });

  it('refuses values MySQL cannot hold instead of changing them', () => {
    expect(() => mysqlLine([col('float64', 'double')], [Number.NaN])).toThrow(ValueConversionError);
    expect(() => mysqlLine([col('float64', 'double')], [Infinity])).toThrow(/no NaN or infinity/);
  });

  it('writes MySQL times beyond 24 hours and negative', () => {
    expect(mysqlLine([col('time', 'time')], [-(838n * 3600n + 59n * 60n + 59n) * 1_000_000n]).toString()).toBe('-838:59:59.000000\n');
  });
});

describe('conversions across backends', () => {
  it('bool ⇄ tinyint, uuid bytes ⇄ text, date → datetime', () => {
    expect(literalFor('postgres', col('bool', 'boolean'), 'c')(1)).toBe('t');
    expect(literalFor('mysql', col('bool', 'tinyint'), 'c')(true)).toBe('1');
    expect(literalFor('mysql', col('uuid', 'binary', 'binary(16)'), 'c')('00112233-4455-6677-8899-aabbccddeeff'))
      .toEqual(Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
    expect(uuidText(new Uint8Array(16))).toBe('00000000-0000-0000-0000-000000000000');
    expect(literalFor('postgres', col('datetime', 'timestamp without time zone'), 'c')(0)).toBe('1970-01-01 00:00:00');
    expect(() => literalFor('postgres', col('bool', 'boolean'), 'c')(2)).toThrow(ValueConversionError);
    // The message shows the value itself, not JSON's null for NaN.
    expect(() => literalFor('mysql', col('float64', 'double'), 'c')(Number.NaN)).toThrow(/the value NaN cannot be loaded/);
    expect(() => literalFor('postgres', col('string', 'text'), 'c')(new Uint8Array([0xff]))).toThrow(/not UTF-8/);
  });
});

describe('PostgreSQL binary COPY', () => {
  /** ndigits, weight, sign, dscale, digits… as PostgreSQL's numeric_send writes them. */
  function numeric(text: string): number[] {
    const w = new ChunkWriter(4);
    expect(writeNumeric(w, text)).toBe(true);
    const b = w.take();
    expect(b.readInt32BE(0)).toBe(b.length - 4);
    const out: number[] = [];
    for (let p = 4; p < b.length; p += 2) out.push(p === 8 ? b.readUInt16BE(p) : b.readInt16BE(p));
    return out;
  }

  it('writes numeric in base-10000 groups around the decimal point', () => {
    expect(numeric('-12.50')).toEqual([2, 0, 0x4000, 2, 12, 5000]);
    expect(numeric('12345678.000001')).toEqual([4, 1, 0, 6, 1234, 5678, 0, 100]);
    expect(numeric('0.000000')).toEqual([0, 0, 0, 6]);
    expect(numeric('0.0001')).toEqual([1, -1, 0, 4, 1]);
    expect(numeric('10000')).toEqual([1, 1, 0, 0, 1]);
    expect(numeric('-0.000')).toEqual([0, 0, 0, 3]);
    expect(numeric('+5')).toEqual([1, 0, 0, 0, 5]);
    expect(numeric('5.')).toEqual([1, 0, 0, 0, 5]);
    expect(numeric('.5')).toEqual([1, -1, 0, 1, 5000]);
    expect(numeric('00012.3400')).toEqual([2, 0, 0, 4, 12, 3400]);
    expect(numeric('123456789012345678901234567890.5')).toEqual([9, 7, 0, 1, 12, 3456, 7890, 1234, 5678, 9012, 3456, 7890, 5000]);
    // After a long value, a short one is written from the same scratch groups.
    expect(numeric('7')).toEqual([1, 0, 0, 0, 7]);
  });

  it('refuses text that is not a plain decimal number, writing nothing', () => {
    for (const bad of ['', '-', '.', '1.2.3', '1e5', 'abc', '12a', ' 1', '--1', 'NaN']) {
      const w = new ChunkWriter(4);
      expect(writeNumeric(w, bad)).toBe(false);
      expect(w.size).toBe(0);
    }
  });

  it('frames rows with field counts and lengths, NULL as -1, times from the 2000 epoch', () => {
    const cols = [col('int32', 'integer'), col('datetime', 'timestamp without time zone'), col('bytes', 'bytea'), col('string', 'text')];
    const w = new ChunkWriter(4);
    pgBinaryRowWriter(pgBinaryFields(cols.map((c, i) => ({ source: i, target: c, where: c.name })))!)(w, [7, 946_684_800_000_001n, new Uint8Array([1, 2]), null]);
    expect(w.take().toString('hex')).toBe([
      '0004', '00000004', '00000007', '00000008', '0000000000000001', '00000002', '0102', 'ffffffff',
    ].join(''));
  });

  it('has no binary encoder for types it cannot write exactly (the table then loads as text)', () => {
    expect(pgBinaryFields([{ source: 0, target: col('text', 'interval'), where: 'iv' }])).toBeNull();
  });
});
