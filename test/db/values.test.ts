/**
 * Every type family comes back from the server exactly, in the forms db/types.ts promises.
 * Expected values are the SQL literals we insert or the server's documented output text,
 * never what the code under test produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, RawValue } from '../../src/db/types.js';
import { forEachBackend, useScratch } from '../support/backends.js';
import { randomDoubles, randomFloat32s, randomPlainDoubles } from './random.js';

/** Bytes 0..255: every byte value, in order. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const ALL_BYTES_HEX = ALL_BYTES.toString('hex');

/** -0 is tested from a literal: the drivers send the parameter -0 as the text "0". */
/** A double mysql2's own text parser returns 1 ulp off (stack-measurements §4). */
const MISPARSED_BY_MYSQL2 = 90969.53156404197;
const SPECIAL_DOUBLES = [
  MISPARSED_BY_MYSQL2, 0, 1, -1, 0.1, 1 / 3, Math.PI, 1e-300, 5e-324, 2.2250738585072014e-308,
  1.7976931348623157e308, -1.7976931348623157e308, 2 ** 53 + 2, 123456789.12345679,
];

function expectSameNumbers(actual: RawValue[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  const wrong = expected
    .map((x, i) => ({ i, expected: x, actual: actual[i] }))
    .filter(({ expected: x, actual: y }) => !(typeof y === 'number' && Object.is(x, y)));
  expect(wrong.slice(0, 5)).toEqual([]);
}

/** Insert (id, value) pairs in multi-row statements. */
async function insertPairs(db: Database, table: string, values: unknown[], placeholder: (n: number) => string): Promise<void> {
  const chunk = 500;
  for (let start = 0; start < values.length; start += chunk) {
    const slice = values.slice(start, start + chunk);
    const rows = slice.map((_, j) => `(${placeholder(2 * j + 1)}, ${placeholder(2 * j + 2)})`);
    const params = slice.flatMap((v, j) => [start + j, v]);
    await db.query(`INSERT INTO ${table} VALUES ${rows.join(', ')}`, params);
  }
}

forEachBackend((backend) => {
  const scratch = useScratch(backend);
  let db: Database;
  let schema: string;
  const q = (name: string): string => db.quoteIdent(name);
  const t = (table: string): string => `${q(schema)}.${q(table)}`;

  beforeAll(async () => {
    db = await scratch().connect();
    schema = `${scratch().prefix}values`;
    await db.execute(backend.family === 'mysql' ? `CREATE DATABASE ${q(schema)}` : `CREATE SCHEMA ${q(schema)}`);
  });
  afterAll(async () => {
    await db?.close();
  });

  if (backend.family === 'mysql') {
    describe('MySQL family', () => {
      it('integers of every width, signed and unsigned, at their limits', async () => {
        await db.execute(`CREATE TABLE ${t('ints')} (id int PRIMARY KEY,
          i8 tinyint, u8 tinyint unsigned, i16 smallint, u16 smallint unsigned, i24 mediumint, u24 mediumint unsigned,
          i32 int, u32 int unsigned, i64 bigint, u64 bigint unsigned, y year)`);
        await db.execute(`INSERT INTO ${t('ints')} VALUES
          (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 1901),
          (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 2155),
          (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
        const rows = await db.query(`SELECT * FROM ${t('ints')} ORDER BY id`);
        expect(rows).toEqual([
          { id: 1, i8: -128, u8: 0, i16: -32768, u16: 0, i24: -8388608, u24: 0, i32: -2147483648, u32: 0, i64: '-9223372036854775808', u64: '0', y: 1901 },
          { id: 2, i8: 127, u8: 255, i16: 32767, u16: 65535, i24: 8388607, u24: 16777215, i32: 2147483647, u32: 4294967295, i64: '9223372036854775807', u64: '18446744073709551615', y: 2155 },
          { id: 3, i8: null, u8: null, i16: null, u16: null, i24: null, u24: null, i32: null, u32: null, i64: null, u64: null, y: null },
        ]);
      });

      it('DOUBLE exactly, including values mysql2 itself mis-parses and random bit patterns', async () => {
        await db.execute(`CREATE TABLE ${t('doubles')} (id int PRIMARY KEY, d double)`);
        const values = [...SPECIAL_DOUBLES, ...randomDoubles(1500, 7), ...randomPlainDoubles(1500, 8)];
        await insertPairs(db, t('doubles'), values, () => '?');
        const rows = await db.query<{ d: RawValue }>(`SELECT d FROM ${t('doubles')} ORDER BY id`);
        expectSameNumbers(rows.map((r) => r.d), values);
        // (MariaDB prints -0 as "0", so there is no negative zero to read back on this family.)
        const [special] = await db.query(`SELECT CAST(NULL AS DOUBLE) AS nul`);
        expect(special).toEqual({ nul: null });
      });

      it('FLOAT exactly when selected as CAST(col AS DOUBLE)', async () => {
        await db.execute(`CREATE TABLE ${t('floats')} (id int PRIMARY KEY, f float)`);
        const values = [Math.fround(0.1), Math.fround(-3.4028234663852886e38), Math.fround(1.17549435e-38), 0, 1.5, ...randomFloat32s(1000, 9)];
        await insertPairs(db, t('floats'), values, () => '?');
        const rows = await db.query<{ f: RawValue }>(`SELECT CAST(f AS DOUBLE) AS f FROM ${t('floats')} ORDER BY id`);
        expectSameNumbers(rows.map((r) => r.f), values);
      });

      it('DECIMAL as exact text with the declared scale', async () => {
        await db.execute(`CREATE TABLE ${t('decimals')} (id int PRIMARY KEY, d decimal(38,10), w decimal(65,30), s decimal(5,2) unsigned)`);
        await db.execute(`INSERT INTO ${t('decimals')} VALUES
          (1, -1234567890123456789012345678.0123456789, 12345678901234567890123456789012345.123456789012345678901234567890, 999.99),
          (2, 9999999999999999999999999999.9999999999, -0.000000000000000000000000000001, 0),
          (3, 1.5, 0, 1.5),
          (4, NULL, NULL, NULL)`);
        expect(await db.query(`SELECT d, w, s FROM ${t('decimals')} ORDER BY id`)).toEqual([
          { d: '-1234567890123456789012345678.0123456789', w: '12345678901234567890123456789012345.123456789012345678901234567890', s: '999.99' },
          { d: '9999999999999999999999999999.9999999999', w: '-0.000000000000000000000000000001', s: '0.00' },
          { d: '1.5000000000', w: '0.000000000000000000000000000000', s: '1.50' },
          { d: null, w: null, s: null },
        ]);
      });

      it('dates, datetimes and times as the server text (microseconds, negative and > 24 h times)', async () => {
        await db.execute(`CREATE TABLE ${t('temporal')} (id int PRIMARY KEY, d date, dt datetime, dt6 datetime(6), tm time, tm6 time(6))`);
        await db.execute(`INSERT INTO ${t('temporal')} VALUES
          (1, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000000', '-838:59:59', '-838:59:59.000000'),
          (2, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '838:59:59', '838:59:59.000000'),
          (3, '2024-02-29', '2024-02-29 12:34:56', '2024-02-29 12:34:56.000001', '-00:00:01', '-00:00:01.500000'),
          (4, '2024-03-01', '2024-03-01 00:00:00', '2024-03-01 00:00:00.5', '25:00:00', '100:00:00.000001'),
          (5, NULL, NULL, NULL, NULL, NULL)`);
        expect(await db.query(`SELECT d, dt, dt6, tm, tm6 FROM ${t('temporal')} ORDER BY id`)).toEqual([
          { d: '1000-01-01', dt: '1000-01-01 00:00:00', dt6: '1000-01-01 00:00:00.000000', tm: '-838:59:59', tm6: '-838:59:59.000000' },
          { d: '9999-12-31', dt: '9999-12-31 23:59:59', dt6: '9999-12-31 23:59:59.999999', tm: '838:59:59', tm6: '838:59:59.000000' },
          { d: '2024-02-29', dt: '2024-02-29 12:34:56', dt6: '2024-02-29 12:34:56.000001', tm: '-00:00:01', tm6: '-00:00:01.500000' },
          { d: '2024-03-01', dt: '2024-03-01 00:00:00', dt6: '2024-03-01 00:00:00.500000', tm: '25:00:00', tm6: '100:00:00.000001' },
          { d: null, dt: null, dt6: null, tm: null, tm6: null },
        ]);
      });

      it('TIMESTAMP is read in UTC whatever zone it was written in', async () => {
        await db.execute(`CREATE TABLE ${t('stamps')} (id int PRIMARY KEY, ts timestamp(6) NULL)`);
        const writer = await scratch().connect();
        try {
          // Written by a session in UTC+05:00: 05:00 there is 00:00 UTC.
          await writer.execute(`SET time_zone = '+05:00'`);
          await writer.execute(`INSERT INTO ${t('stamps')} VALUES (1, '2024-01-01 05:00:00.250000'), (2, '1970-01-01 05:00:01'), (3, '2038-01-19 08:14:07.999999'), (4, NULL)`);
        } finally {
          await writer.close();
        }
        expect(await db.query(`SELECT ts, UNIX_TIMESTAMP(ts) AS epoch FROM ${t('stamps')} ORDER BY id`)).toEqual([
          { ts: '2024-01-01 00:00:00.250000', epoch: '1704067200.250000' },
          { ts: '1970-01-01 00:00:01.000000', epoch: '1.000000' },
          { ts: '2038-01-19 03:14:07.999999', epoch: '2147483647.999999' },
          { ts: null, epoch: null },
        ]);
      });

      it('JSON as the stored text, untouched', async () => {
        await db.execute(`CREATE TABLE ${t('json')} (id int PRIMARY KEY, j json)`);
        const texts = ['{"b": 1,   "a": [1.50, "x\\u00e9", 12345678901234567890123]}', '[]', '"ü"', 'null'];
        await insertPairs(db, t('json'), [...texts, null], () => '?');
        const rows = await db.query<{ j: RawValue }>(`SELECT j FROM ${t('json')} ORDER BY id`);
        expect(rows.map((r) => r.j)).toEqual([...texts, null]);
      });

      it('binary strings and blobs as Buffers with every byte value', async () => {
        await db.execute(`CREATE TABLE ${t('bytes')} (id int PRIMARY KEY, b longblob, vb varbinary(300), u binary(16), bits bit(10))`);
        await db.execute(`INSERT INTO ${t('bytes')} VALUES
          (1, X'${ALL_BYTES_HEX}', X'${ALL_BYTES_HEX}', X'123e4567e89b12d3a456426614174000', b'1010101010'),
          (2, X'', X'', X'00000000000000000000000000000000', b'0'),
          (3, NULL, NULL, NULL, NULL)`);
        const rows = await db.query(`SELECT b, vb, u, bits FROM ${t('bytes')} ORDER BY id`);
        expect(rows[0]).toEqual({ b: ALL_BYTES, vb: ALL_BYTES, u: Buffer.from('123e4567e89b12d3a456426614174000', 'hex'), bits: Buffer.from([0x02, 0xaa]) });
        expect(Buffer.isBuffer(rows[0].b)).toBe(true);
        expect(rows[1]).toEqual({ b: Buffer.alloc(0), vb: Buffer.alloc(0), u: Buffer.alloc(16), bits: Buffer.from([0, 0]) });
        expect(rows[2]).toEqual({ b: null, vb: null, u: null, bits: null });
        // A blob passed as a parameter comes back byte for byte too.
        await db.query(`INSERT INTO ${t('bytes')} (id, b) VALUES (?, ?)`, [4, ALL_BYTES]);
        expect((await db.query(`SELECT b FROM ${t('bytes')} WHERE id = 4`))[0].b).toEqual(ALL_BYTES);
      });

      it('text, char, enum and set as strings', async () => {
        await db.execute(`CREATE TABLE ${t('strings')} (id int PRIMARY KEY, v varchar(64), c char(5), tx longtext,
          e enum('a', 'b c', ''), s set('x', 'y', 'z'))`);
        await db.execute(`INSERT INTO ${t('strings')} VALUES
          (1, '😀 naïve – ok', 'ab', 'line1\\nline2\\ttab', 'b c', 'x,z'),
          (2, '', '', '', '', ''),
          (3, NULL, NULL, NULL, NULL, NULL)`);
        expect(await db.query(`SELECT v, c, tx, e, s FROM ${t('strings')} ORDER BY id`)).toEqual([
          { v: '😀 naïve – ok', c: 'ab', tx: 'line1\nline2\ttab', e: 'b c', s: 'x,z' },
          { v: '', c: '', tx: '', e: '', s: '' },
          { v: null, c: null, tx: null, e: null, s: null },
        ]);
      });
    });
  } else {
    describe('PostgreSQL family', () => {
      it('integers at their limits: int2/int4 as numbers, int8 as exact text', async () => {
        await db.execute(`CREATE TABLE ${t('ints')} (id int PRIMARY KEY, i16 smallint, i32 integer, i64 bigint)`);
        await db.execute(`INSERT INTO ${t('ints')} VALUES
          (1, -32768, -2147483648, -9223372036854775808), (2, 32767, 2147483647, 9223372036854775807), (3, NULL, NULL, NULL)`);
        expect(await db.query(`SELECT i16, i32, i64 FROM ${t('ints')} ORDER BY id`)).toEqual([
          { i16: -32768, i32: -2147483648, i64: '-9223372036854775808' },
          { i16: 32767, i32: 2147483647, i64: '9223372036854775807' },
          { i16: null, i32: null, i64: null },
        ]);
      });

      it('double precision exactly, random bit patterns and specials', async () => {
        await db.execute(`CREATE TABLE ${t('doubles')} (id int PRIMARY KEY, d double precision)`);
        const values = [...SPECIAL_DOUBLES, ...randomDoubles(1500, 7), ...randomPlainDoubles(1500, 8)];
        await insertPairs(db, t('doubles'), values, (n) => `$${n}`);
        const rows = await db.query<{ d: RawValue }>(`SELECT d FROM ${t('doubles')} ORDER BY id`);
        expectSameNumbers(rows.map((r) => r.d), values);
        const [special] = await db.query(`SELECT 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, '-Infinity'::float8 AS ninf, '-0'::float8 AS negzero, NULL::float8 AS nul`);
        expect(special).toEqual({ nan: NaN, inf: Infinity, ninf: -Infinity, negzero: -0, nul: null });
        expect(Object.is(special.negzero, -0)).toBe(true);
      });

      it('real: the server text round-trips to the exact float32', async () => {
        await db.execute(`CREATE TABLE ${t('floats')} (id int PRIMARY KEY, f real)`);
        const values = [Math.fround(0.1), Math.fround(-3.4028234663852886e38), 1.401298464324817e-45, 0, 1.5, ...randomFloat32s(1000, 9)];
        await insertPairs(db, t('floats'), values, (n) => `$${n}`);
        const rows = await db.query<{ f: RawValue }>(`SELECT f FROM ${t('floats')} ORDER BY id`);
        expectSameNumbers(rows.map((r) => (typeof r.f === 'number' ? Math.fround(r.f) : r.f)), values);
        // Shortest round-trip text: 0.1 as a real prints as 0.1, not 0.100000001.
        expect(rows[0].f).toBe(0.1);
      });

      it('numeric as exact text', async () => {
        await db.execute(`CREATE TABLE ${t('decimals')} (id int PRIMARY KEY, d numeric(38,10), n numeric)`);
        await db.execute(`INSERT INTO ${t('decimals')} VALUES
          (1, -1234567890123456789012345678.0123456789, 123456789012345678901234567890.000000000000000000001),
          (2, 9999999999999999999999999999.9999999999, 'NaN'), (3, 1.5, 1.50), (4, NULL, NULL)`);
        expect(await db.query(`SELECT d, n FROM ${t('decimals')} ORDER BY id`)).toEqual([
          { d: '-1234567890123456789012345678.0123456789', n: '123456789012345678901234567890.000000000000000000001' },
          { d: '9999999999999999999999999999.9999999999', n: 'NaN' },
          { d: '1.5000000000', n: '1.50' },
          { d: null, n: null },
        ]);
      });

      it('dates, times, timestamps and intervals as ISO text in UTC', async () => {
        await db.execute(`CREATE TABLE ${t('temporal')} (id int PRIMARY KEY, d date, ts timestamp(6), tstz timestamptz(6),
          tm time(6), tmtz timetz, iv interval)`);
        await db.execute(`INSERT INTO ${t('temporal')} VALUES
          (1, '0001-01-01', '1000-01-01 00:00:00', '2024-06-01 14:00:00.5+02', '00:00:00', '12:00:00+02', '1 year 2 mons 3 days 04:05:06.789'),
          (2, '9999-12-31', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '24:00:00', '23:59:59.999999-05:30', '-1 days +02:00:00'),
          (3, '2024-02-29', '2024-02-29 12:34:56.000001', '2024-02-29 23:30:00-01', '12:34:56.000001', '00:00:00+00', '0'),
          (4, NULL, NULL, NULL, NULL, NULL, NULL)`);
        expect(await db.query(`SELECT d, ts, tstz, tm, tmtz, iv FROM ${t('temporal')} ORDER BY id`)).toEqual([
          { d: '0001-01-01', ts: '1000-01-01 00:00:00', tstz: '2024-06-01 12:00:00.5+00', tm: '00:00:00', tmtz: '12:00:00+02', iv: '1 year 2 mons 3 days 04:05:06.789' },
          { d: '9999-12-31', ts: '9999-12-31 23:59:59.999999', tstz: '1970-01-01 00:00:00+00', tm: '24:00:00', tmtz: '23:59:59.999999-05:30', iv: '-1 days +02:00:00' },
          { d: '2024-02-29', ts: '2024-02-29 12:34:56.000001', tstz: '2024-03-01 00:30:00+00', tm: '12:34:56.000001', tmtz: '00:00:00+00', iv: '00:00:00' },
          { d: null, ts: null, tstz: null, tm: null, tmtz: null, iv: null },
        ]);
      });

      it('json untouched, jsonb as the server normalises it', async () => {
        await db.execute(`CREATE TABLE ${t('json')} (id int PRIMARY KEY, j json, jb jsonb)`);
        const JSON_TEXT = '{"b": 1,   "a": [1.50, "é", 12345678901234567890123]}';
        await db.query(`INSERT INTO ${t('json')} VALUES (1, $1, $2), (2, NULL, NULL)`, [JSON_TEXT, JSON_TEXT]);
        expect(await db.query(`SELECT j, jb FROM ${t('json')} ORDER BY id`)).toEqual([
          { j: '{"b": 1,   "a": [1.50, "é", 12345678901234567890123]}', jb: '{"a": [1.50, "é", 12345678901234567890123], "b": 1}' },
          { j: null, jb: null },
        ]);
      });

      it('bytea as Buffers with every byte value', async () => {
        await db.execute(`CREATE TABLE ${t('bytes')} (id int PRIMARY KEY, b bytea)`);
        await db.execute(`INSERT INTO ${t('bytes')} VALUES (1, decode('${ALL_BYTES_HEX}', 'hex')), (2, ''::bytea), (3, NULL)`);
        await db.query(`INSERT INTO ${t('bytes')} VALUES ($1, $2)`, [4, ALL_BYTES]);
        const rows = await db.query<{ b: RawValue }>(`SELECT b FROM ${t('bytes')} ORDER BY id`);
        expect(rows.map((r) => r.b)).toEqual([ALL_BYTES, Buffer.alloc(0), null, ALL_BYTES]);
        expect(Buffer.isBuffer(rows[0].b)).toBe(true);
      });

      it('uuid, boolean, enum, text, char and arrays', async () => {
        await db.execute(`CREATE TYPE ${t('mood')} AS ENUM ('sad', 'ok', 'b c')`);
        await db.execute(`CREATE TABLE ${t('misc')} (id int PRIMARY KEY, u uuid, ok boolean, m ${t('mood')},
          v varchar(64), c char(5), tx text, arr int[], tags text[])`);
        await db.execute(`INSERT INTO ${t('misc')} VALUES
          (1, '123E4567-E89B-12D3-A456-426614174000', true, 'b c', '😀 naïve – ok', 'ab', E'line1\\nline2', '{1,2,3}', '{"a b",c}'),
          (2, '00000000-0000-0000-0000-000000000000', false, 'sad', '', '', '', '{}', '{}'),
          (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
        expect(await db.query(`SELECT u, ok, m, v, c, tx, arr, tags FROM ${t('misc')} ORDER BY id`)).toEqual([
          { u: '123e4567-e89b-12d3-a456-426614174000', ok: true, m: 'b c', v: '😀 naïve – ok', c: 'ab   ', tx: 'line1\nline2', arr: '{1,2,3}', tags: '{"a b",c}' },
          { u: '00000000-0000-0000-0000-000000000000', ok: false, m: 'sad', v: '', c: '     ', tx: '', arr: '{}', tags: '{}' },
          { u: null, ok: null, m: null, v: null, c: null, tx: null, arr: null, tags: null },
        ]);
      });
    });
  }

  it('stream() returns the same value forms as query()', async () => {
    const sql = backend.family === 'mysql'
      ? `SELECT CAST(9223372036854775807 AS SIGNED) AS i64, CAST(${MISPARSED_BY_MYSQL2} AS DOUBLE) AS d, X'00ff' AS b, DATE '2024-02-29' AS dt, CAST(NULL AS CHAR) AS n`
      : `SELECT 9223372036854775807::int8 AS i64, ${MISPARSED_BY_MYSQL2}::float8 AS d, '\\x00ff'::bytea AS b, DATE '2024-02-29' AS dt, NULL::text AS n`;
    const batches: RawValue[][][] = [];
    for await (const batch of db.stream(sql)) batches.push(batch);
    const expected = ['9223372036854775807', MISPARSED_BY_MYSQL2, Buffer.from([0, 255]), '2024-02-29', null];
    expect(batches).toEqual([[expected]]);
    expect(Object.values((await db.query(sql))[0])).toEqual(expected);
  });
});
