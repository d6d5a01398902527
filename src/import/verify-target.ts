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
import { postgresRowDigestSql } from '../hash/postgres-row-digest.js';
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
  /** False: never let the server digest the rows (to compare both ways in tests). */
  onServer?: boolean;
}

export async function digestTargetTable(db: Database, table: Table, batchRows = 10_000, { pool, chunkBytes = CHUNK_BYTES, onServer = true }: DigestOptions = {}): Promise<TableDigest> {
  const digested = onServer ? await digestOnServer(db, table, chunkBytes) : null;
  if (digested) return digested;
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
 * The same digest with the row digests computed by a PostgreSQL server (hash/postgres-row-digest.ts)
 * and only sorted and combined here; null where the server cannot compute them exactly.
 */
export async function digestOnServer(db: Database, table: Table, chunkBytes = CHUNK_BYTES): Promise<TableDigest | null> {
  if (db.family !== 'postgres' || !(await postgresCanDigest(db))) return null;
  const q = (s: string) => db.quoteIdent(s);
  const expression = postgresRowDigestSql(table.columns, q);
  if (!expression) return null;
  const sql = `SELECT ${expression} AS ${q('digest')} FROM ${q(table.schema)}.${q(table.name)}`;
  const hasher = new TableHasher(shapesOf(table.columns));
  try {
    const encoded = db.streamEncoded ? await db.streamEncoded(sql, chunkBytes) : null;
    if (encoded) {
      await withParallelScan(db, async () => {
        for await (const chunk of encoded.chunks) hasher.addDigests(digestsOfCopyRows(chunk.rows, chunk.count));
      });
    } else {
      for await (const batch of db.stream(sql)) {
        for (const [d] of batch) {
          if (!Buffer.isBuffer(d) || d.length !== 32) throw new DigestTaskError(`the server's row digest of ${table.schema}.${table.name} is not 32 bytes`);
          hasher.addDigests(d);
        }
      }
    }
    const rows = hasher.rowCount;
    return { rows, hash: await hasher.digest() };
  } finally {
    await hasher.dispose();
  }
}

/**
 * Runs `body` with the planner told that handing rows from parallel workers to the leader costs
 * nothing, so a large table's digests are computed by several server processes: the default
 * costs judge 32 bytes a row not worth a worker, yet the SHA-256 behind each row is (1M rows of
 * 1.1 KB: 2.9 s instead of 4.5 s on 2 cores). The session's own settings are restored after.
 */
async function withParallelScan<T>(db: Database, body: () => Promise<T>): Promise<T> {
  const names = ['parallel_tuple_cost', 'parallel_setup_cost'];
  const [before] = await db.query<Record<string, string>>(`SELECT ${names.map((n) => `current_setting('${n}') AS ${n}`).join(', ')}`);
  const set = (value: (n: string) => string) => db.query(`SELECT ${names.map((n) => `set_config('${n}', '${value(n)}', false)`).join(', ')}`);
  const restore = () => set((n) => before[n].replace(/'/g, "''"));
  await set(() => '0');
  let result: T;
  try {
    result = await body();
  } catch (e) {
    await restore().catch(() => {}); // the body's error is the one to report
    throw e;
  }
  await restore();
  return result;
}

/** The 32-byte digests out of binary COPY rows of one non-NULL bytea each: field count 1, length 32, bytes. */
function digestsOfCopyRows(rows: Buffer, count: number): Uint8Array {
  const ROW = 2 + 4 + 32;
  if (rows.length !== count * ROW) throw new DigestTaskError(`the server's row digests came as ${rows.length} bytes for ${count} rows`);
  const out = new Uint8Array(count * 32);
  for (let i = 0, at = 0; i < count; i++, at += ROW) {
    if (rows.readUInt16BE(at) !== 1 || rows.readInt32BE(at + 2) !== 32) throw new DigestTaskError(`the server's row digest ${i} of a chunk is not one 32-byte value`);
    out.set(rows.subarray(at + 6, at + ROW), i * 32);
  }
  return out;
}

const canDigest = new WeakMap<Database, Promise<boolean>>();

/** PostgreSQL 14+ (EXTRACT gives exact numeric) with a UTF8 database; asked once per connection. */
function postgresCanDigest(db: Database): Promise<boolean> {
  let answer = canDigest.get(db);
  if (!answer) {
    answer = db.query<{ ok: boolean }>("SELECT current_setting('server_version_num')::int >= 140000 AND current_setting('server_encoding') = 'UTF8' AS ok")
      .then(([r]) => r.ok === true);
    canDigest.set(db, answer);
  }
  return answer;
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
