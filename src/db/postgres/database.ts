/**
 * A Database over one pg Client; streams a SELECT through `COPY … TO STDOUT (FORMAT binary)`
 * (copy-binary.ts) when every result type has a binary decoder, else through a server-side
 * cursor (pg-query-stream).
 */
import type { Socket } from 'node:net';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { batchesOf, batchRowsOption, readAheadRows } from '../batches.js';
import type { Database, EncodedRowStream, RawValue } from '../types.js';
import { binaryDecoders, CopyBinaryParser, CopyFormatError, CopyRowSplitter } from './copy-binary.js';
import { closeSocket } from '../socket-close.js';
import { BEGIN_CONSISTENT_SNAPSHOT } from './session.js';
import { PG_TYPES } from './values.js';

/** A statement COPY can wrap: a plain query (no locking clause, which COPY refuses). */
const COPYABLE = /^\s*(select|with)\b/i;
const LOCKING = /\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b/i;

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly family = 'postgres' as const;
  private broken: Error | undefined;

  // `client` is read by src/import/load/driver.ts for bulk loads (no interface member for streams yet): keep the name.
  constructor(private readonly client: pg.Client, readonly displayUrl: string, readonly databaseName: string) {
    // pg emits errors that happen while idle (server shut down, …); unhandled they would crash the process.
    client.on('error', (err: Error) => {
      this.broken = err;
    });
  }

  async serverVersion(): Promise<string> {
    const rows = await this.query<{ v: string }>('SELECT version() AS v');
    return rows[0].v;
  }

  async query<T = Record<string, RawValue>>(sql: string, params?: unknown[]): Promise<T[]> {
    if (this.broken) throw this.broken;
    const result = await this.client.query({ text: sql, values: params, types: PG_TYPES });
    return (result.rows ?? []) as T[];
  }

  async execute(sql: string): Promise<void> {
    if (this.broken) throw this.broken;
    // No parameters: pg uses the simple protocol, which accepts several statements at once.
    await this.client.query(sql);
  }

  /** The statement's result type OIDs when it can go through binary COPY, else null. */
  private async copyTypes(body: string): Promise<number[] | null> {
    if (!COPYABLE.test(body) || LOCKING.test(body)) return null;
    // The result's column types, from a plan without rows (the same statement, so an error
    // here is the error the statement itself would raise).
    const probe = await this.client.query({ text: `SELECT * FROM (${body}) AS dj_snapshot_probe LIMIT 0`, types: PG_TYPES });
    const types = probe.fields.map((f) => f.dataTypeID);
    return binaryDecoders(types) ? types : null;
  }

  async *stream(sql: string, options?: { batchRows?: number }): AsyncIterable<RawValue[][]> {
    const batchRows = batchRowsOption(options);
    if (this.broken) throw this.broken;
    const body = sql.trim().replace(/;+\s*$/, '');
    const types = await this.copyTypes(body);
    if (types) {
      yield* this.copyStream(body, binaryDecoders(types)!, batchRows);
      return;
    }
    const rows = this.client.query(new QueryStream(sql, [], {
      // Rows per cursor fetch: 1,000 measured faster than 10,000 (stack-measurements §4).
      batchSize: readAheadRows(batchRows),
      highWaterMark: readAheadRows(batchRows),
      rowMode: 'array',
      types: PG_TYPES,
    }));
    yield* batchesOf(rows, batchRows);
  }

  /**
   * Leaving early reads the rest of the COPY and discards it: a COPY cannot be stopped without
   * cancelling the statement, which would also abort the caller's transaction.
   */
  private async *copyStream(body: string, decoders: NonNullable<ReturnType<typeof binaryDecoders>>, batchRows: number): AsyncGenerator<RawValue[][]> {
    const stream = this.client.query(copyTo(`COPY (${body}) TO STDOUT (FORMAT binary)`));
    // Never `return()`ed: that would destroy the stream and leave the connection mid-COPY.
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const parser = new CopyBinaryParser(decoders);
    let finished = false;
    try {
      let batch: RawValue[][] = [];
      for (;;) {
        const r = await chunks.next();
        if (r.done) break;
        parser.push(r.value, batch);
        while (batch.length >= batchRows) {
          const full = batch.length === batchRows ? batch : batch.slice(0, batchRows);
          batch = batch.length === batchRows ? [] : batch.slice(batchRows);
          yield full;
        }
      }
      finished = true;
      if (!parser.ended) throw new CopyFormatError('COPY binary stream ended without its trailer');
      if (batch.length > 0) yield batch;
    } catch (e) {
      finished = true;
      throw e;
    } finally {
      if (!finished) for (let r = await chunks.next(); !r.done; r = await chunks.next());
    }
  }

  async streamEncoded(sql: string, chunkBytes: number): Promise<EncodedRowStream | null> {
    if (this.broken) throw this.broken;
    const body = sql.trim().replace(/;+\s*$/, '');
    const types = await this.copyTypes(body);
    if (!types) return null;
    return { types, chunks: this.copyChunks(body, types.length, chunkBytes) };
  }

  /** As copyStream, but whole undecoded rows (and the same care to drain a COPY left early). */
  private async *copyChunks(body: string, width: number, chunkBytes: number): AsyncGenerator<{ rows: Buffer; count: number }> {
    const stream = this.client.query(copyTo(`COPY (${body}) TO STDOUT (FORMAT binary)`));
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const splitter = new CopyRowSplitter(width, chunkBytes);
    let finished = false;
    try {
      for (;;) {
        const r = await chunks.next();
        if (r.done) break;
        yield* splitter.push(r.value);
      }
      finished = true;
      yield* splitter.end();
    } catch (e) {
      finished = true;
      throw e;
    } finally {
      if (!finished) for (let r = await chunks.next(); !r.done; r = await chunks.next());
    }
  }

  async beginConsistentSnapshot(): Promise<void> {
    for (const sql of BEGIN_CONSISTENT_SNAPSHOT) await this.execute(sql);
  }

  async begin(): Promise<void> {
    await this.execute('BEGIN');
  }

  async commit(): Promise<void> {
    await this.execute('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.execute('ROLLBACK');
  }

  quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  async close(): Promise<void> {
    const socket = (this.client as unknown as { connection?: { stream?: Socket } }).connection?.stream;
    // end() resolves when the socket closes, which a silent server never does by itself.
    const ended = this.client.end().catch(() => {
      // already disconnected: nothing left to release
    });
    await closeSocket(socket);
    await ended;
  }
}
