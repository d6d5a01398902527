/**
 * Row digests of large Parquet files on every core. A file's row groups are cut into tasks that
 * worker threads (digest-worker.ts) read and digest; the table hash sorts the digests, so taking
 * them in whatever order the tasks finish gives exactly the hash of reading the rows here.
 * Workers start on the first task and stop at `close`.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { siblingModule, startModuleWorker } from '../parquet/module-worker.js';
import type { TableHasher } from '../hash/index.js';
import type { ColumnShape } from '../values/kinds.js';
import type { CopyRowsTask, DigestReply, DigestTask, ParquetRowsTask, PreloadParquet } from './digest-protocol.js';

export interface Digested {
  rows: number;
  /** 32 bytes per row. */
  digests: Uint8Array;
}

interface Job {
  task: DigestTask;
  transfer: ArrayBuffer[];
  resolve: (d: Digested) => void;
  reject: (e: Error) => void;
}

export class DigestTaskError extends Error {}

export class DigestPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<number, Job & { worker: Worker }>();
  private lastId = 0;
  private closed = false;

  /** At most `size` workers (default: one per core, up to 4). */
  constructor(readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  /**
   * Starts every worker now and has it load the Parquet reader, so that a pool about to digest
   * Parquet files does not pay for that (~0.5 s on 2 cores) when its first task comes.
   */
  prestartForParquet(): void {
    if (this.closed) return;
    while (this.workers.size < this.size) {
      const worker = this.start();
      worker.postMessage({ kind: 'preload-parquet' } satisfies PreloadParquet);
      this.idle.push(worker);
    }
  }

  /** Digests of the rows of `rowGroups` (0-based) of `file`, decoded as `columns`. */
  digest(file: string, columns: readonly ColumnShape[], rowGroups: number[]): Promise<Digested> {
    return this.submit({ kind: 'parquet', file, rowGroups }, columns, []);
  }

  /** Digests of binary COPY rows of a PostgreSQL target; `rows` is handed over (transferred). */
  digestCopyRows(task: Omit<CopyRowsTask, 'kind'>, columns: readonly ColumnShape[]): Promise<Digested> {
    const rows = task.rows.byteOffset === 0 && task.rows.byteLength === task.rows.buffer.byteLength ? task.rows : task.rows.slice();
    return this.submit({ kind: 'copy', ...task, rows }, columns, [rows.buffer as ArrayBuffer]);
  }

  /**
   * Starts `tasks` (each a call to `digest` or `digestCopyRows`), at most two per worker at a
   * time, and adds each result's digests to `hasher` as it arrives; returns the rows digested.
   * A failure stops starting tasks (an async source is closed); every task started settles
   * before the failure is rethrown, so the caller may then dispose of the hasher.
   */
  async digestInto(hasher: TableHasher, tasks: Iterable<() => Promise<Digested>> | AsyncIterable<() => Promise<Digested>>): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let rows = 0;
    let failure: { error: unknown } | null = null;
    try {
      for await (const start of tasks) {
        const task: Promise<void> = start()
          .then((d) => {
            if (failure) return;
            hasher.addDigests(d.digests);
            rows += d.rows;
          })
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
        if (inFlight.size >= 2 * this.size) await Promise.race(inFlight);
        if (failure) break;
      }
    } finally {
      await Promise.all(inFlight);
    }
    if (failure) throw (failure as { error: unknown }).error;
    return rows;
  }

  private submit(task: ParquetRowsTask | CopyRowsTask, columns: readonly ColumnShape[], transfer: ArrayBuffer[]): Promise<Digested> {
    if (this.closed) return Promise.reject(new DigestTaskError('The digest pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { ...task, id: ++this.lastId, columns: [...columns] }, transfer, resolve, reject });
      this.pump();
    });
  }

  /** Stops every worker; tasks not finished are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new DigestTaskError('The digest pool was closed before the task finished.');
    for (const job of this.queue.splice(0)) job.reject(stopped);
    for (const job of this.running.values()) job.reject(stopped);
    this.running.clear();
    const workers = [...this.workers];
    this.workers.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let worker = this.idle.pop();
      if (!worker && this.workers.size < this.size) worker = this.start();
      if (!worker) return;
      const job = this.queue.shift()!;
      this.running.set(job.task.id, { ...job, worker });
      worker.postMessage(job.task, job.transfer);
    }
  }

  private start(): Worker {
    const worker = startModuleWorker(siblingModule('./digest-worker.js', import.meta.url));
    worker.on('message', (reply: DigestReply) => this.finished(worker, reply));
    worker.on('error', (e: Error) => this.lost(worker, e));
    worker.on('exit', (code) => this.lost(worker, new DigestTaskError(`A digest worker stopped (exit code ${code}).`)));
    this.workers.add(worker);
    return worker;
  }

  private finished(worker: Worker, reply: DigestReply): void {
    const job = this.running.get(reply.id);
    this.running.delete(reply.id);
    this.idle.push(worker);
    if (job) {
      if ('error' in reply) job.reject(new DigestTaskError(reply.error));
      else job.resolve({ rows: reply.rows, digests: reply.digests });
    }
    this.pump();
  }

  /** A worker died: its task fails, the others go on (on a new worker if needed). */
  private lost(worker: Worker, e: Error): void {
    if (!this.workers.delete(worker)) return;
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    for (const [id, job] of this.running) {
      if (job.worker !== worker) continue;
      this.running.delete(id);
      job.reject(e);
    }
    this.pump();
  }
}
