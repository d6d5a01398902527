/**
 * Recomputing a target table's digest in worker threads (PostgreSQL servers hand the rows over
 * undecoded) gives exactly the digest of the serial path, over many chunks and every value kind
 * the binary COPY carries; other backends take the serial path with or without a pool.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPipeline } from '../../src/catalog/read.js';
import type { Database } from '../../src/db/types.js';
import { DigestPool } from '../../src/import/digest-pool.js';
import { digestOnServer, digestTargetTable } from '../../src/import/verify-target.js';
import { forEachBackend, useScratch } from '../support/backends.js';

forEachBackend((backend) => {
  const scratch = useScratch(backend);
  let db: Database;
  let schema: string;
  const pool = new DigestPool(2);
  const q = (s: string) => db.quoteIdent(s);

  beforeAll(async () => {
    db = await scratch().connect();
    schema = `${scratch().prefix}vt`;
    const mysql = db.family === 'mysql';
    await db.execute(mysql ? `CREATE DATABASE ${q(schema)}` : `CREATE SCHEMA ${q(schema)}`);
    const cols = mysql
      ? ['id bigint NOT NULL', 'n int', 'f double', 'd decimal(12,3)', 's varchar(40)', 't datetime(6)', 'b longblob', "u binary(16) COMMENT ':uuid:'", 'j json', 'k date']
      : ['id bigint NOT NULL', 'n integer', 'f double precision', 'd numeric(12,3)', 's varchar(40)', 't timestamp(6)', 'b bytea', 'u uuid', 'j jsonb', 'k date'];
    await db.execute(`CREATE TABLE ${q(schema)}.${q('t')} (${cols.join(', ')}, PRIMARY KEY (id))`);
    const values: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const blob = randomBytes(200 + (i % 700)).toString('hex');
      const uuid = randomBytes(16).toString('hex');
      const nul = i % 97 === 0;
      values.push(`(${i}, ${nul ? 'NULL' : i * 7 - 5000}, ${i / 7}, ${nul ? 'NULL' : `${i}.${i % 1000}`}, 'row ${i} ''q''', '2024-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:1${i % 10}:00.${String(i).padStart(6, '0')}', `
        + (mysql ? `X'${blob}', X'${uuid}'` : `'\\x${blob}', '${uuid}'`) + `, '{"i": ${i}, "a": [1, 2]}', '1999-12-31')`);
    }
    await db.execute(`INSERT INTO ${q(schema)}.${q('t')} VALUES ${values.join(',\n')}`);
  });
  afterAll(async () => {
    await pool.close();
    await db?.close();
  });

  describe('digestTargetTable', () => {
    it('gives the same rows and hash in worker threads as serially, over many chunks', async () => {
      const table = (await readPipeline(db, { schemas: [schema] })).schemas[0].tables[0];
      const serial = await digestTargetTable(db, table);
      expect(serial.rows).toBe(3000);
      for (const chunkBytes of [1, 64 * 1024, 4 * 1024 * 1024]) {
        expect(await digestTargetTable(db, table, 1000, { pool, chunkBytes }), `chunkBytes ${chunkBytes}`).toEqual(serial);
      }
      // The connection stays usable afterwards.
      expect(await db.query(`SELECT COUNT(*) AS n FROM ${q(schema)}.${q('t')}`)).toHaveLength(1);
    });

    it('hands PostgreSQL rows to the workers undecoded; other backends have no such stream', async () => {
      expect(typeof db.streamEncoded === 'function').toBe(backend.name === 'postgres');
      if (!db.streamEncoded) return;
      const encoded = await db.streamEncoded(`SELECT * FROM ${q(schema)}.${q('t')} ORDER BY id`, 256 * 1024);
      let rows = 0;
      let chunks = 0;
      for await (const c of encoded!.chunks) {
        rows += c.count;
        chunks++;
      }
      expect(rows).toBe(3000);
      expect(chunks).toBeGreaterThan(3);
    });
  });

  describe('digestOnServer', () => {
    /** Every PostgreSQL type the server can frame, with the values at the edges of each. */
    const PG_COLUMNS = ['id bigint NOT NULL', 'i2 smallint', 'i4 integer', 'i8 bigint', 'r real', 'f double precision',
      'd numeric(20,6)', 'd0 numeric(5,0)', 'b boolean', 'vc varchar(40)', 'ch char(8)', 'tx text', 'en %ENUM%', 'by bytea',
      'u uuid', 'dt date', 'ts timestamp(6)', 'tz timestamptz', 'tm time(6)', 'iv interval', 'ar integer[]', 'nu numeric'];
    const EDGE_ROWS = [
      `(1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
      `(2, -32768, -2147483648, -9223372036854775808, '-0', 'NaN', -0.000001, -99999, false, '', 'a  ', 'ünïcödé ☃ 𝄞', 'blue', '\\x',
        '00000000-0000-0000-0000-000000000000', '0001-01-01', '0001-01-01 00:00:00', '1969-12-31 23:59:59.999999+00', '00:00:00', '-1 day', '{}', -0.0)`,
      `(3, 32767, 2147483647, 9223372036854775807, 'Infinity', '-Infinity', 99999999999999.999999, 99999, true, repeat('é', 40), 'abcdefgh',
        E'line\\nnext "q" ''s''', 'red', decode(repeat('00ff', 40000), 'hex'), 'ffffffff-ffff-ffff-ffff-ffffffffffff', '9999-12-31',
        '9999-12-31 23:59:59.999999', '2024-06-01 12:00:00.5+02', '24:00:00', '1 year 2 mons 3 days 04:05:06.789', '{1,NULL,3}', 'NaN')`,
      `(4, 0, 0, 0, 'NaN', '-0', 0, 0, true, ' lead', '        ', '', 'green', '\\x00', gen_random_uuid(), '1970-01-01',
        '1970-01-01 00:00:00', '1970-01-01 00:00:00+00', '00:00:00.000001', '0', '{-1}', 1.50)`,
    ];

    async function makeTable(name: string, columns: string[]): Promise<void> {
      await db.execute(`CREATE TABLE ${q(schema)}.${q(name)} (${columns.join(', ')}, PRIMARY KEY (id))`);
    }
    async function tableNamed(name: string) {
      const tables = (await readPipeline(db, { schemas: [schema] })).schemas[0].tables;
      return tables.find((t) => t.name === name)!;
    }

    it('gives exactly the rows and hash of digesting the rows here, for every type it frames', async (ctx) => {
      if (db.family !== 'postgres') return ctx.skip();
      await db.execute(`CREATE TYPE ${q(schema)}.${q('colour')} AS ENUM ('red', 'green', 'blue')`);
      await makeTable('every', PG_COLUMNS.map((c) => c.replace('%ENUM%', `${q(schema)}.${q('colour')}`)));
      await db.execute(`INSERT INTO ${q(schema)}.${q('every')} VALUES ${EDGE_ROWS.join(',\n')}`);
      // And many ordinary rows, so the digests come in many chunks.
      await db.execute(`INSERT INTO ${q(schema)}.${q('every')}
        SELECT 100 + s, s % 300 - 150, s * 7919 - 1000000, s::bigint * 1000003 - 5000000000, s / 3.0, s / 7.0, s / 1000.0 - 1, s % 99999,
               s % 2 = 0, 'v' || s, 'c' || (s % 100), repeat('t', s % 50), (ARRAY['red','green','blue'])[1 + s % 3]::${q(schema)}.${q('colour')},
               decode(repeat(lpad(to_hex(s % 256), 2, '0'), s % 300), 'hex'), gen_random_uuid(), DATE '2000-01-01' + s,
               TIMESTAMP '2020-01-01' + s * INTERVAL '1.000001 second', TIMESTAMPTZ '2020-01-01 00:00+00' - s * INTERVAL '1 minute',
               TIME '00:00' + s * INTERVAL '1.5 second', s * INTERVAL '1 hour', ARRAY[s, -s], s / 8.0
        FROM generate_series(0, 1999) s`);
      const table = await tableNamed('every');
      const here = await digestTargetTable(db, table, 500, { onServer: false });
      expect(here.rows).toBe(2004);
      for (const chunkBytes of [1, 4096, 4 * 1024 * 1024]) {
        expect(await digestOnServer(db, table, chunkBytes), `chunkBytes ${chunkBytes}`).toEqual(here);
      }
      // digestTargetTable takes the server's way by default; the session's planner costs, changed
      // for the digests, are as they were after.
      await db.execute('SET parallel_tuple_cost = 0.25');
      expect(await digestTargetTable(db, table)).toEqual(here);
      expect(await db.query(`SELECT current_setting('parallel_tuple_cost') AS c, current_setting('parallel_setup_cost') AS s`)).toEqual([{ c: '0.25', s: '1000' }]);

      // A changed value changes the server's digest as it changes ours.
      await db.execute(`UPDATE ${q(schema)}.${q('every')} SET ch = 'b' WHERE id = 2`);
      const changed = await digestOnServer(db, table);
      expect(changed?.hash).not.toBe(here.hash);
      expect(changed).toEqual(await digestTargetTable(db, table, 500, { onServer: false }));
    });

    it('leaves to this side what the server cannot frame exactly: json, a uuid kept in bytea, MySQL', async () => {
      if (db.family === 'mysql') {
        expect(await digestOnServer(db, (await readPipeline(db, { schemas: [schema] })).schemas[0].tables[0])).toBeNull();
        return;
      }
      await makeTable('with_json', ['id bigint NOT NULL', 'j jsonb']);
      await makeTable('with_bytea_uuid', ['id bigint NOT NULL', 'u bytea']);
      await db.execute(`COMMENT ON COLUMN ${q(schema)}.${q('with_bytea_uuid')}.${q('u')} IS ':uuid:'`);
      for (const name of ['with_json', 'with_bytea_uuid']) {
        await db.execute(`INSERT INTO ${q(schema)}.${q(name)} VALUES (1, ${name === 'with_json' ? `'{"a": 1}'` : `'\\x${'ab'.repeat(16)}'`})`);
        const table = await tableNamed(name);
        expect(await digestOnServer(db, table), name).toBeNull();
        expect((await digestTargetTable(db, table)).rows, name).toBe(1);
      }
    });
  });
});
