/**
 * beginConsistentSnapshot(): all later reads on the connection see one point in time, and
 * the transaction is read-only.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import { forEachBackend, useScratch } from '../support/backends.js';

forEachBackend((backend) => {
  const scratch = useScratch(backend);
  let reader: Database;
  let table: string;

  beforeAll(async () => {
    reader = await scratch().connect();
    const schema = reader.quoteIdent(`${scratch().prefix}snap`);
    table = `${schema}.${reader.quoteIdent('events')}`;
    await reader.execute(`${backend.family === 'mysql' ? 'CREATE DATABASE' : 'CREATE SCHEMA'} ${schema};
      CREATE TABLE ${table} (id int PRIMARY KEY);
      INSERT INTO ${table} VALUES (1)`);
  });
  afterAll(async () => {
    await reader?.close();
  });

  const ids = async (db: Database): Promise<number[]> =>
    (await db.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);

  if (backend.name !== 'pglite') {
    it('does not see rows another connection commits after the snapshot began', async () => {
      const writer = await scratch().connect();
      try {
        await reader.beginConsistentSnapshot();
        // Written before the reader's first read: the snapshot must already be fixed.
        await writer.execute(`INSERT INTO ${table} VALUES (2)`);
        expect(await ids(reader)).toEqual([1]);
        await writer.execute(`INSERT INTO ${table} VALUES (3)`);
        expect(await ids(reader)).toEqual([1]);
        const streamed: number[] = [];
        for await (const batch of reader.stream(`SELECT id FROM ${table} ORDER BY id`)) streamed.push(...batch.map((r) => Number(r[0])));
        expect(streamed).toEqual([1]);
        await reader.commit();
        expect(await ids(reader)).toEqual([1, 2, 3]);
      } finally {
        await writer.close();
      }
    });
  } else {
    it.skip('does not see rows another connection commits (PGlite has a single session: no other connection can write)', () => undefined);
  }

  it('is read-only', async () => {
    await reader.beginConsistentSnapshot();
    await expect(reader.execute(`INSERT INTO ${table} VALUES (99)`)).rejects.toThrow(/read.only/i);
    await reader.rollback();
    expect(await ids(reader)).not.toContain(99);
  });

  it('streams inside the snapshot without ending it', async () => {
    await reader.beginConsistentSnapshot();
    for await (const batch of reader.stream(`SELECT id FROM ${table}`, { batchRows: 1 })) expect(batch.length).toBe(1);
    // Still inside the read-only transaction after the stream ended.
    await expect(reader.execute(`INSERT INTO ${table} VALUES (98)`)).rejects.toThrow(/read.only/i);
    await reader.rollback();
  });
});
