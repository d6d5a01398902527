/**
 * PostgreSQL bulk load: `COPY … FROM STDIN` through pg-copy-streams, binary format where every
 * column allows it (encode/pg-binary.ts), in one transaction per table (a table is either
 * untouched or complete, so an interrupted import is resumable).
 * Back-pressure comes from the copy stream: rows are formatted only as fast as the server
 * takes them.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '../../db/types.js';
import { literalFor } from '../encode/literal.js';
import { BINARY_HEADER, BINARY_TRAILER, pgBinaryFields, pgBinaryRowWriter } from '../encode/pg-binary.js';
import { pgTextRowWriter, type PgField, type RowWriter } from '../encode/pg-text.js';
import { pgClient } from './driver.js';
import { LoadRejectedError } from './errors.js';
import { withKeysBuiltAfterLoad } from './pg-keys.js';
import { formatChunks, type RowBatches, type RowsListener, type TableLoad } from './rows.js';

const CHUNK_BYTES = 1 << 20;

export interface CopyPlan {
  /** `COPY … FROM STDIN` with the format option. */
  sql: string;
  binary: boolean;
  writeRow: RowWriter;
}

/** Binary COPY when every column has a binary encoder, else text (see encode/pg-binary.ts). */
export function copyPlan(db: Database, load: TableLoad): CopyPlan {
  const q = (s: string) => db.quoteIdent(s);
  const base = `COPY ${q(load.schema)}.${q(load.table)} (${load.columns.map((c) => q(c.name)).join(', ')}) FROM STDIN`;
  const binary = load.format === 'text' ? null : pgBinaryFields(load.columns);
  if (binary) return { sql: `${base} WITH (FORMAT binary)`, binary: true, writeRow: pgBinaryRowWriter(binary) };
  const fields: PgField[] = load.columns.map((c) => ({ source: c.source, literal: literalFor('postgres', c.target, c.where) }));
  return { sql: base, binary: false, writeRow: pgTextRowWriter(fields) };
}

async function* framed(chunks: AsyncIterable<Buffer>, binary: boolean): AsyncGenerator<Buffer> {
  if (binary) yield BINARY_HEADER;
  yield* chunks;
  if (binary) yield BINARY_TRAILER;
}

export async function loadPostgresTable(db: Database, load: TableLoad, batches: RowBatches, onRows?: RowsListener): Promise<number> {
  const client = pgClient(db);
  const plan = copyPlan(db, load);
  const counter = { rows: 0 };
  await db.begin();
  try {
    if (load.clear) await db.execute(`DELETE FROM ${db.quoteIdent(load.schema)}.${db.quoteIdent(load.table)}`);
    await withKeysBuiltAfterLoad(db, load, async () => {
      const copy = client.query(copyFrom(plan.sql));
      const chunks = framed(formatChunks(batches, plan.writeRow, CHUNK_BYTES, counter, onRows), plan.binary);
      await pipeline(Readable.from(chunks, { highWaterMark: 1 }), copy);
      if (copy.rowCount !== counter.rows) throw new LoadRejectedError(`${load.schema}.${load.table}`, counter.rows, copy.rowCount, []);
    });
    await db.commit();
  } catch (e) {
    await db.rollback().catch(() => undefined);
    throw e;
  }
  return counter.rows;
}
