/**
 * A Database over an in-process PGlite instance. PGlite has one session and returns whole
 * results, so `stream` reads through a cursor (`DECLARE … CURSOR` + `FETCH n`) to keep memory
 * bounded; outside a transaction it opens one for the cursor's lifetime.
 */
import type { PGlite } from '@electric-sql/pglite';
import { batchRowsOption } from '../batches.js';
import type { Database, RawValue } from '../types.js';
import { BEGIN_CONSISTENT_SNAPSHOT } from './session.js';

let cursorCounter = 0;

export class PgliteDatabase implements Database {
  readonly dialect = 'pglite' as const;
  readonly family = 'postgres' as const;
  readonly databaseName = 'postgres';
  /** Transaction state as set through this object; see inTransaction(). */
  private transactionOpen = false;

  // `pg` is read by src/import/load/driver.ts for bulk loads (no interface member for streams yet): keep the name.
  constructor(
    private readonly pg: PGlite,
    readonly displayUrl: string,
    private readonly onClose: () => void,
  ) {}

  async serverVersion(): Promise<string> {
    const rows = await this.query<{ v: string }>('SELECT version() AS v');
    return rows[0].v;
  }

  async query<T = Record<string, RawValue>>(sql: string, params?: unknown[]): Promise<T[]> {
    const result = await this.pg.query<T>(sql, params);
    return result.rows;
  }

  async execute(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  /**
   * Whether a transaction block is open, also one begun by a caller's own `BEGIN`: PGlite
   * exposes this at run time (not in its typings); fall back to what this object did.
   */
  private inTransaction(): boolean {
    const probe = (this.pg as unknown as { isInTransaction?: () => boolean }).isInTransaction;
    return typeof probe === 'function' ? probe.call(this.pg) : this.transactionOpen;
  }

  async *stream(sql: string, options?: { batchRows?: number }): AsyncIterable<RawValue[][]> {
    const batchRows = batchRowsOption(options);
    const cursor = `dj_snapshot_stream_${++cursorCounter}`;
    const ownTransaction = !this.inTransaction();
    const body = sql.trim().replace(/;+\s*$/, '');
    let failed = false;
    if (ownTransaction) await this.pg.exec('BEGIN');
    try {
      await this.pg.exec(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${body}`);
      for (;;) {
        const result = await this.pg.query<RawValue[]>(`FETCH FORWARD ${batchRows} FROM ${cursor}`, [], { rowMode: 'array' });
        if (result.rows.length > 0) yield result.rows;
        if (result.rows.length < batchRows) break;
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      if (ownTransaction) {
        // Ending the transaction also closes the cursor.
        await this.pg.exec(failed ? 'ROLLBACK' : 'COMMIT');
      } else if (!failed) {
        await this.pg.exec(`CLOSE ${cursor}`);
      }
    }
  }

  async beginConsistentSnapshot(): Promise<void> {
    for (const sql of BEGIN_CONSISTENT_SNAPSHOT) await this.execute(sql);
    this.transactionOpen = true;
  }

  async begin(): Promise<void> {
    await this.execute('BEGIN');
    this.transactionOpen = true;
  }

  async commit(): Promise<void> {
    await this.execute('COMMIT');
    this.transactionOpen = false;
  }

  async rollback(): Promise<void> {
    await this.execute('ROLLBACK');
    this.transactionOpen = false;
  }

  quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  async close(): Promise<void> {
    try {
      if (!this.pg.closed) await this.pg.close();
    } finally {
      this.onClose();
    }
  }
}
