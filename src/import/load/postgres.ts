/**
 * PostgreSQL bulk load: `COPY … FROM STDIN` through pg-copy-streams, in one transaction per
 * table (a table is either untouched or complete, so an interrupted import is resumable).
 * Back-pressure comes from the copy stream: rows are formatted only as fast as the server
 * takes them.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../db/types.js';
import { literalFor } from '../encode/literal.js';
import { pgTextRowWriter, type PgField } from '../encode/pg-text.js';
import { pgClient } from './driver.js';
import { LoadRejectedError } from './errors.js';
import { formatChunks, type RowBatches, type RowsListener, type TableLoad } from './rows.js';

const CHUNK_BYTES = 1 << 20;

export function copyStatement(db: Database, load: TableLoad): { sql: string; fields: PgField[] } {
  const q = (s: string) => db.quoteIdent(s);
  const fields = load.columns.map((c) => ({ source: c.source, literal: literalFor('postgres', c.target, c.where) }));
  const sql = `COPY ${q(load.schema)}.${q(load.table)} (${load.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN`;
  return { sql, fields };
}

export async function loadPostgresTable(db: Database, load: TableLoad, batches: RowBatches, onRows?: RowsListener): Promise<number> {
  const client = pgClient(db);
  const { sql, fields } = copyStatement(db, load);
  const counter = { rows: 0 };
  await db.begin();
  try {
    if (load.clear) await db.execute(`DELETE FROM ${db.quoteIdent(load.schema)}.${db.quoteIdent(load.table)}`);
    const copy = client.query(copyFrom(sql));
    await pipeline(Readable.from(formatChunks(batches, pgTextRowWriter(fields), CHUNK_BYTES, counter, onRows), { highWaterMark: 1 }), copy);
    if (copy.rowCount !== counter.rows) throw new LoadRejectedError(`${load.schema}.${load.table}`, counter.rows, copy.rowCount, []);
    await db.commit();
  } catch (e) {
    await db.rollback().catch(() => undefined);
    throw e;
  }
  return counter.rows;
}
