/** A Database over one mysql2 connection (callback API: its query streams pause the socket). */
import type { Socket } from 'node:net';
import type { Connection, QueryError } from 'mysql2';
import { batchesOf, batchRowsOption, readAheadRows } from '../batches.js';
import type { Database, RawValue } from '../types.js';
import { closeSocket } from '../socket-close.js';
import { BEGIN_CONSISTENT_SNAPSHOT } from './session.js';

export class MysqlDatabase implements Database {
  readonly dialect = 'mysql' as const;
  readonly family = 'mysql' as const;
  readonly databaseName = undefined;
  /** A fatal error the connection reported between queries (server gone, …). */
  private broken: Error | undefined;

  // `conn` is read by src/import/load/driver.ts for bulk loads (no interface member for streams yet): keep the name.
  constructor(private readonly conn: Connection, readonly displayUrl: string) {
    // mysql2 emits fatal errors that happen while idle; without a listener they would crash the process.
    conn.on('error', (err: Error) => {
      this.broken = err;
    });
    // The server hanging up (KILL CONNECTION, shutdown, a timeout) ends the session, yet Node
    // keeps a half-closed socket open while it has bytes left to send: a LOAD DATA stream killed
    // while its rows waited on a lock was seen failing only ~115 s later, by TCP's zero-window
    // probes. Dropping the socket makes the statement in flight fail at once (mysql2's own
    // `destroy()` only ends it politely).
    const socket = (conn as unknown as { stream: Socket }).stream;
    socket.once('end', () => socket.destroy());
  }

  private run<T>(sql: string, params?: unknown[]): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      this.conn.query({ sql, values: params }, (err: QueryError | null, result: unknown) => {
        if (err) reject(err);
        else resolve(result as T);
      });
    });
  }

  async serverVersion(): Promise<string> {
    const rows = await this.query<{ v: string }>('SELECT VERSION() AS v');
    return rows[0].v;
  }

  async query<T = Record<string, RawValue>>(sql: string, params?: unknown[]): Promise<T[]> {
    const result = await this.run<unknown>(sql, params);
    // A statement without a result set (INSERT, SET, …) yields a header object, not rows.
    return Array.isArray(result) ? (result as T[]) : [];
  }

  async execute(sql: string): Promise<void> {
    await this.run<unknown>(sql);
  }

  async *stream(sql: string, options?: { batchRows?: number }): AsyncIterable<RawValue[][]> {
    const batchRows = batchRowsOption(options);
    if (this.broken) throw this.broken;
    // The Readable pauses the socket once `highWaterMark` rows wait unread; leaving early
    // destroys it and mysql2 discards the rest of the result before the next command runs.
    const rows = this.conn.query({ sql, rowsAsArray: true }).stream({ highWaterMark: readAheadRows(batchRows) });
    yield* batchesOf(rows, batchRows);
  }

  async beginConsistentSnapshot(): Promise<void> {
    for (const sql of BEGIN_CONSISTENT_SNAPSHOT) await this.execute(sql);
  }

  async begin(): Promise<void> {
    await this.execute('START TRANSACTION');
  }

  async commit(): Promise<void> {
    await this.execute('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.execute('ROLLBACK');
  }

  quoteIdent(name: string): string {
    return `\`${name.replace(/`/g, '``')}\``;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.conn.end((err) => {
        // A connection that is already gone cannot be ended politely; drop it.
        if (err) this.conn.destroy();
        resolve();
      });
    });
    await closeSocket((this.conn as unknown as { stream?: Socket }).stream);
  }
}
