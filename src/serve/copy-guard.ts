/**
 * Keep `COPY … FROM STDIN` from reaching PGlite through the socket server.
 *
 * pglite-socket hands PGlite one wire message per call, and PGlite cannot wait for COPY data
 * across calls: a `COPY … FROM STDIN` ends the WebAssembly program (`exit(1)`), which takes the
 * whole Node process and its in-memory data with it (electric-sql/pglite#911, PR #1028). So the
 * database handed to the socket server is a proxy that looks at each client message first and
 * replaces the SQL of a Query or Parse message that holds such a statement by a `DO` block that
 * raises a clear error. PGlite itself then answers with the ErrorResponse and ReadyForQuery the
 * client waits for, so the session and the protocol stay in step (also in the extended
 * protocol, where PostgreSQL skips to the next Sync after the error). Stray CopyData, CopyDone
 * and CopyFail messages are ignored by PostgreSQL outside COPY, as the protocol prescribes.
 */
import type { PGlite } from '@electric-sql/pglite';
import { copyFromStdinStatement } from './sql-scan.js';

/** SQLSTATE 0A000 feature_not_supported, the code PostgreSQL uses for unsupported commands. */
export const COPY_REFUSED_MESSAGE =
  'COPY FROM STDIN is not supported by dj-serve: PGlite cannot receive COPY data over the socket, and trying would stop the server';
export const COPY_REFUSED_HINT =
  'Send the rows with INSERT statements instead (psql: use INSERT, not \\copy ... from; pg_restore: use --inserts dumps), or import data with dj-import.';

/** Called with the SQL text of the refused message, for logging. */
export type CopyRefusedListener = (statement: string) => void;

const QUERY = 0x51; // 'Q': Int32 len, String query
const PARSE = 0x50; // 'P': Int32 len, String name, String query, Int16 n, Int32[n] oids

/** A raising statement PostgreSQL runs in place of the refused one (the texts hold no quote). */
export const REFUSAL_SQL =
  `DO $dj_serve$ BEGIN RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', MESSAGE = '${COPY_REFUSED_MESSAGE}', HINT = '${COPY_REFUSED_HINT.replace(/'/g, "''")}'; END $dj_serve$`;

/**
 * The message to pass on: `message` itself, or, when it is a Query or Parse whose SQL holds a
 * `COPY … FROM STDIN`, the same kind of message running REFUSAL_SQL instead.
 */
export function guardMessage(message: Uint8Array, onRefused?: CopyRefusedListener): Uint8Array {
  const type = message[0];
  if ((type !== QUERY && type !== PARSE) || message.length < 6) return message;
  const buf = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (buf.readInt32BE(1) !== message.length - 1) return message;
  let sqlStart = 5;
  if (type === PARSE) {
    const nameEnd = buf.indexOf(0, 5);
    if (nameEnd < 0) return message;
    sqlStart = nameEnd + 1;
  }
  const sqlEnd = buf.indexOf(0, sqlStart);
  if (sqlEnd < 0) return message;
  const sql = buf.toString('utf8', sqlStart, sqlEnd);
  if (copyFromStdinStatement(sql) === null) return message;
  onRefused?.(sql);
  const replacement = Buffer.from(REFUSAL_SQL + '\0', 'utf8');
  if (type === QUERY) return frame(QUERY, [replacement]);
  // Parse keeps its statement name; the refusal takes no parameters.
  return frame(PARSE, [buf.subarray(5, sqlStart), replacement, Buffer.from([0, 0])]);
}

function frame(type: number, parts: Buffer[]): Uint8Array {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(5 + body.length);
  out[0] = type;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * `pg` as the socket server should see it: every wire message goes through guardMessage; all
 * else is the instance itself (methods bound to it, so its private state works).
 */
export function guardCopyFromStdin(pg: PGlite, onRefused?: CopyRefusedListener): PGlite {
  const execProtocolRawStream: PGlite['execProtocolRawStream'] = (message, options) =>
    pg.execProtocolRawStream(guardMessage(message, onRefused), options);
  const execProtocolRaw: PGlite['execProtocolRaw'] = (message, options) =>
    pg.execProtocolRaw(guardMessage(message, onRefused), options);
  return new Proxy(pg, {
    get(target, prop) {
      if (prop === 'execProtocolRawStream') return execProtocolRawStream;
      if (prop === 'execProtocolRaw') return execProtocolRaw;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
