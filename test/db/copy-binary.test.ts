/**
 * PostgreSQL's stream() reads through binary COPY and prints int8, numeric, dates, times, uuid
 * and friends itself: it must give exactly what the text protocol (query()) gives, for edge
 * values of every type it decodes, for rows that straddle network chunks, and for a result
 * with a type it does not decode (which goes through the cursor instead).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database, RawValue } from '../../src/db/types.js';
import { forEachBackend, useScratch } from '../support/backends.js';
import { randomDoubles, randomFloat32s } from './random.js';

async function streamed(db: Database, sql: string, batchRows = 1000): Promise<RawValue[][]> {
  const rows: RawValue[][] = [];
  for await (const batch of db.stream(sql, { batchRows })) rows.push(...batch);
  return rows;
}

async function queried(db: Database, sql: string): Promise<RawValue[][]> {
  return (await db.query(sql)).map((r) => Object.values(r));
}

forEachBackend((backend) => {
  const scratch = useScratch(backend);
  let db: Database;
  let schema: string;
  const t = (name: string): string => `${db.quoteIdent(schema)}.${db.quoteIdent(name)}`;

  beforeAll(async () => {
    db = await scratch().connect();
    schema = `${scratch().prefix}copy`;
    await db.execute(`CREATE SCHEMA ${db.quoteIdent(schema)}`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('edge values of every decoded type equal the text protocol', async () => {
    await db.execute(`CREATE TABLE ${t('edges')} (id int PRIMARY KEY, b boolean, i2 smallint, i4 integer, i8 bigint,
      f8 double precision, n numeric, n2 numeric(12,4), tx text, vc varchar(20), c char(4), nm name,
      j json, jb jsonb, u uuid, d date, ts timestamp(6), tz timestamptz(6), tm time(6), by bytea)`);
    await db.execute(`INSERT INTO ${t('edges')} VALUES
      (1, true, -32768, -2147483648, -9223372036854775808, 'NaN', 'NaN', 0, '', '', '', 'n',
       '{"a":  1}', '{"b": [1, 2.50], "a": null}', '00000000-0000-0000-0000-000000000000', '4713-01-01 BC',
       '4713-01-01 00:00:00 BC', '0001-01-01 00:00:00+00', '00:00:00', ''::bytea),
      (2, false, 32767, 2147483647, 9223372036854775807, '-Infinity', 'Infinity', -12345678.1234,
       E'tab\\there é 😀', 'x', 'abcd', 'longer name', '[]', '{}', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '294276-12-31',
       '294276-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999+00', '24:00:00', '\\x00ff10'),
      (3, NULL, 0, 0, 0, '-0', '-Infinity', 0.0001, 'a', 'b', 'c', 'd', 'null', 'null', NULL, '2000-01-01',
       '2000-01-01 00:00:00', '2000-01-01 00:00:00.5+00', '12:34:56.000001', NULL),
      (4, true, 1, 1, 4503599627370496, 0.1, 123456789012345678901234567890.000000000000000000001, 99999999.9999,
       NULL, NULL, NULL, NULL, NULL, NULL, '123e4567-e89b-12d3-a456-426614174000', '1970-01-01',
       '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', '23:59:59.999999', '\\x6d596d00'),
      (5, false, 2, 2, -4503599627370497, 5e-324, -0.000000000000000000000000000001, -0.0001,
       'x', 'y', 'z', 'w', '"s"', '"s"', NULL, '9999-12-31', '0001-01-01 00:00:00', '2262-04-11 23:47:16.854775+00',
       '00:00:00.1', NULL),
      (6, NULL, NULL, NULL, NULL, NULL, 1e-10, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'infinity',
       'infinity', '-infinity', NULL, NULL),
      (7, NULL, NULL, NULL, NULL, NULL, 10000, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-infinity',
       '-infinity', 'infinity', NULL, NULL)`);
    const sql = `SELECT * FROM ${t('edges')} ORDER BY id`;
    const expected = await queried(db, sql);
    expect(expected).toHaveLength(7);
    expect(await streamed(db, sql, 3)).toEqual(expected);
    // The text of an int8 beyond 2^53 and of a BC timestamp, as the server prints them.
    expect(expected[0][4]).toBe('-9223372036854775808');
    expect(expected[0][16]).toBe('4713-01-01 00:00:00 BC');
  });

  it('random doubles, numerics, timestamps and 1 KB byteas across network chunks', async () => {
    await db.execute(`CREATE TABLE ${t('random')} (id int PRIMARY KEY, f8 double precision, n numeric(20,6),
      ts timestamp(6), b bytea)`);
    const doubles = randomDoubles(3000, 11).filter((x) => Number.isFinite(x));
    const rows = doubles.map((d, i) => `(${i}, ${d === 0 && Object.is(d, -0) ? "'-0'" : d},
      ${i % 2 ? '-' : ''}${(i * 7919) % 100000000}.${String(i % 1000000).padStart(6, '0')},
      timestamp '1900-01-01' + ${i * 9973} * interval '1 hour' + ${i * 37} * interval '1 microsecond',
      decode(repeat(lpad(to_hex(${i % 256}), 2, '0'), ${900 + (i % 300)}), 'hex'))`);
    for (let k = 0; k < rows.length; k += 500) await db.execute(`INSERT INTO ${t('random')} VALUES ${rows.slice(k, k + 500).join(',')}`);
    const sql = `SELECT * FROM ${t('random')} ORDER BY id`;
    const expected = await queried(db, sql);
    const actual = await streamed(db, sql, 700);
    expect(actual.length).toBe(expected.length);
    const wrong = actual.map((r, i) => ({ i, r, e: expected[i] })).filter(({ r, e }) => !r.every((v, k) => Object.is(v, e[k]) || (Buffer.isBuffer(v) && Buffer.isBuffer(e[k]) && v.equals(e[k] as Buffer))));
    expect(wrong.slice(0, 3).map(({ i, r, e }) => ({ i, cols: r.map((v, k) => (Object.is(v, e[k]) || Buffer.isBuffer(v) ? null : [k, v, e[k]])).filter((x) => x !== null) }))).toEqual([]);
  });

  it('types without a binary decoder (interval, real) stream through the cursor, same values', async () => {
    const sql = `SELECT i, i * interval '1 day 02:03:04.5' AS iv FROM generate_series(1, 2500) AS i ORDER BY i`;
    expect(await streamed(db, sql)).toEqual(await queried(db, sql));
    const reals = randomFloat32s(2000, 12).filter((x) => Number.isFinite(x));
    await db.execute(`CREATE TABLE ${t('reals')} (id int PRIMARY KEY, f4 real)`);
    await db.execute(`INSERT INTO ${t('reals')} VALUES ${reals.map((x, i) => `(${i}, ${Object.is(x, -0) ? "'-0'" : x})`).join(',')}`);
    const realsSql = `SELECT id, f4 FROM ${t('reals')} ORDER BY id`;
    expect(await streamed(db, realsSql)).toEqual(await queried(db, realsSql));
  });

  it('leaving a COPY stream early inside a transaction keeps the transaction usable', async () => {
    await db.begin();
    try {
      let seen = 0;
      for await (const batch of db.stream(`SELECT i, repeat('y', 500) FROM generate_series(1, 20000) AS i`, { batchRows: 100 })) {
        seen += batch.length;
        if (seen >= 500) break;
      }
      expect(seen).toBe(500);
      expect(await db.query('SELECT 5 AS five')).toEqual([{ five: 5 }]);
    } finally {
      await db.rollback();
    }
  });
}, ['postgres']);
