/**
 * Recompute what an export of the target would record for a table — row count and logical
 * hash — by the exporter's own path: its SELECT (export/select.ts), its normalisation
 * (values/normalize.ts) and the target's catalog as read by catalog/read.ts. Equal to the
 * manifest means the data arrived exactly, on any backend.
 */
import type { Table } from '../catalog/model.js';
import type { Database, EncodedRowStream, Family } from '../db/types.js';
import { selectForExport } from '../export/select.js';
import { TableHasher } from '../hash/index.js';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { normalizerFor, type NormalizeColumn } from '../values/normalize.js';
import { DigestPool, DigestTaskError, type Digested } from './digest-pool.js';
import { shapesOf } from './shapes.js';

export interface TableDigest {
  rows: number;
  hash: string;
}

/** Rows per chunk handed to a worker: about 4 MiB of encoded rows. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface DigestOptions {
  /** Decode and hash in these worker threads where the backend can hand rows over undecoded (PostgreSQL servers). */
  pool?: DigestPool;
  /** Encoded bytes per chunk handed to a worker (default 4 MiB). */
  chunkBytes?: number;
}

export async function digestTargetTable(db: Database, table: Table, batchRows = 10_000, { pool, chunkBytes = CHUNK_BYTES }: DigestOptions = {}): Promise<TableDigest> {
  const columns: NormalizeColumn[] = table.columns.map((c) => ({
    where: `${table.schema}.${table.name}.${c.name}`, kind: c.kind, dataType: c.dataType, scale: c.scale,
  }));
  const shapes = shapesOf(table.columns);
  // The table hash sorts the row digests: any order gives it, and a plain scan is the fastest.
  const sql = selectForExport(db, table, { ordered: false });
  if (pool && db.streamEncoded) {
    const encoded = await db.streamEncoded(sql, chunkBytes);
    if (encoded) return digestInPool(pool, encoded, db.family, columns, shapes);
  }
  const normalizers = columns.map((c) => normalizerFor(db.family, c));
  const width = normalizers.length;
  const hasher = new TableHasher(shapes);
  let rows = 0;
  for await (const batch of db.stream(sql, { batchRows })) {
    for (const raw of batch) {
      const row: CValue[] = new Array(width);
      for (let i = 0; i < width; i++) row[i] = normalizers[i](raw[i]);
      hasher.add(row);
    }
    rows += batch.length;
  }
  return { rows, hash: await hasher.digest() };
}

/**
 * The same digest with the rows decoded, normalised and digested in the pool's workers; this
 * thread only cuts the server's stream into chunks of whole rows. The pool bounds the chunks
 * in flight, so reading waits for the workers and memory stays bounded.
 */
async function digestInPool(pool: DigestPool, encoded: EncodedRowStream, family: Family, normalize: NormalizeColumn[], shapes: ColumnShape[]): Promise<TableDigest> {
  async function* tasks(): AsyncGenerator<() => Promise<Digested>> {
    // Leaving early (a failed task) closes the stream, which drains the server's COPY.
    for await (const chunk of encoded.chunks) {
      yield () => pool.digestCopyRows({ rows: chunk.rows, types: encoded.types, family, normalize }, shapes).then((d) => {
        if (d.rows !== chunk.count) throw new DigestTaskError(`a worker decoded ${d.rows} rows of a chunk of ${chunk.count}`);
        return d;
      });
    }
  }
  const hasher = new TableHasher(shapes);
  let rows: number;
  try {
    rows = await pool.digestInto(hasher, tasks());
  } catch (e) {
    await hasher.dispose();
    throw e;
  }
  return { rows, hash: await hasher.digest() };
}
