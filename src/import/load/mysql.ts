/**
 * MariaDB/MySQL bulk load: `LOAD DATA LOCAL INFILE` fed from a stream (mysql2's
 * infileStreamFactory), inside one transaction per table so a table is either untouched or
 * complete (InnoDB), which is what makes an interrupted import resumable.
 *
 * mysql2 sends every stream chunk as one protocol packet and ignores socket back-pressure, so
 * chunks are cut below max_allowed_packet (and below the 16 MiB packet limit) here, and the
 * stream waits whenever the socket holds more than a few MiB unsent.
 */
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { Database } from '../../db/types.js';
import { literalFor } from '../encode/literal.js';
import { mysqlInfileRowWriter, type InfileField } from '../encode/mysql-infile.js';
import { mysqlConnection } from './driver.js';
import { LoadRejectedError } from './errors.js';
import { formatChunks, type RowBatches, type RowsListener, type TableLoad } from './rows.js';

/** Chunk size: big enough to amortise per-packet costs, far below any max_allowed_packet in use. */
const CHUNK_BYTES = 1 << 20;
/** Pause producing while this much is queued in the socket. */
const SOCKET_HIGH_WATER = 8 << 20;

/** Character sets whose bytes are UTF-8 already; others get a CONVERT from utf8mb4. */
const UTF8_CHARSETS = new Set(['utf8mb4', 'utf8mb3', 'utf8', 'ascii', 'binary']);

function waitForDrain(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

async function* packets(chunks: AsyncIterable<Buffer>, socket: Socket | undefined, maxPacket: number): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let start = 0; start < chunk.length; start += maxPacket) {
      while (socket && !socket.destroyed && socket.writableLength > SOCKET_HIGH_WATER) await waitForDrain(socket);
      // A connection that is gone takes nothing more: stop reading the snapshot at once.
      if (socket?.destroyed) throw new Error('Connection terminated while streaming rows (the server closed it)');
      yield start === 0 && chunk.length <= maxPacket ? chunk : chunk.subarray(start, start + maxPacket);
    }
  }
}

export function loadDataStatement(db: Database, load: TableLoad): { sql: string; fields: InfileField[] } {
  const q = (s: string) => db.quoteIdent(s);
  const targets: string[] = [];
  const sets: string[] = [];
  const fields: InfileField[] = [];
  load.columns.forEach((c, i) => {
    const t = c.target;
    const field: InfileField = { source: c.source, literal: literalFor('mysql', t, c.where) };
    const variable = `@dj_v${i}`;
    if (t.dataType === 'bit') {
      // LOAD DATA cannot fill BIT from raw bytes; the value goes as hex and is converted.
      field.hex = true;
      targets.push(variable);
      sets.push(`${q(c.name)} = CAST(CONV(${variable}, 16, 10) AS UNSIGNED)`);
    } else if (t.dataType === 'json' || (t.kind === 'string' || t.kind === 'json' || t.kind === 'text') && t.charset !== null && !UTF8_CHARSETS.has(t.charset.toLowerCase())) {
      // The stream is read as binary: text for other character sets (and MySQL's JSON type,
      // which refuses binary strings) is converted from UTF-8 explicitly.
      targets.push(variable);
      sets.push(`${q(c.name)} = CONVERT(${variable} USING utf8mb4)`);
    } else {
      targets.push(q(c.name));
    }
    fields.push(field);
  });
  const sql = `LOAD DATA LOCAL INFILE 'dj-import-stream' INTO TABLE ${q(load.schema)}.${q(load.table)} CHARACTER SET binary `
    + `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${targets.join(', ')})`
    + (sets.length ? ` SET ${sets.join(', ')}` : '');
  return { sql, fields };
}

export async function loadMysqlTable(db: Database, load: TableLoad, batches: RowBatches, onRows?: RowsListener): Promise<number> {
  const conn = mysqlConnection(db);
  const socket = (conn as unknown as { stream?: Socket }).stream;
  const [{ m }] = await db.query<{ m: string | number }>('SELECT @@max_allowed_packet AS m');
  const maxPacket = Math.max(1024, Math.min(CHUNK_BYTES, Math.floor(Number(m) / 2)));
  const { sql, fields } = loadDataStatement(db, load);
  const counter = { rows: 0 };
  const chunks = formatChunks(batches, mysqlInfileRowWriter(fields), Math.min(CHUNK_BYTES, maxPacket), counter, onRows);

  await db.begin();
  try {
    if (load.clear) await db.execute(`DELETE FROM ${db.quoteIdent(load.schema)}.${db.quoteIdent(load.table)}`);
    let streamError: Error | undefined;
    const source = Readable.from(packets(chunks, socket, maxPacket), { highWaterMark: 1 });
    source.on('error', (e) => {
      streamError = e;
    });
    const result = await new Promise<{ affectedRows?: number; warningStatus?: number }>((resolve, reject) => {
      conn.query({ sql, infileStreamFactory: () => source }, (err, res) => (err ? reject(streamError ?? err) : resolve(res as { affectedRows?: number })));
    }).finally(() => {
      // mysql2 stops reading when the statement fails (a lost connection, say); destroying the
      // source returns the row generators, which close the Parquet files they read.
      source.destroy();
    });
    // mysql2 ends the LOAD normally when the stream fails; the failure is ours to raise.
    if (streamError) throw streamError;
    // LOCAL implies IGNORE: the server turns bad values and duplicate keys into warnings and
    // goes on. Any warning, or a row count that differs, would be a silent change: refuse it.
    const warnings = result.warningStatus ?? 0;
    if (warnings > 0 || result.affectedRows !== counter.rows) {
      const shown = warnings > 0 ? await db.query<{ Level: string; Code: number; Message: string }>('SHOW WARNINGS LIMIT 10') : [];
      throw new LoadRejectedError(`${load.schema}.${load.table}`, counter.rows, result.affectedRows ?? 0, shown.map((w) => `${w.Level} ${w.Code}: ${w.Message}`));
    }
    await db.commit();
  } catch (e) {
    await db.rollback().catch(() => undefined);
    throw e;
  }
  return counter.rows;
}
