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
import { digestTargetTable } from '../../src/import/verify-target.js';
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
});
