/**
 * The sender's side of the Parquet encoding worker (encode-worker.ts): one worker per process,
 * started on first use and kept for later tables (starting one and loading parquet-wasm costs
 * more than encoding a small table). It keeps the process alive only while a job is open.
 */
import type { Worker } from 'node:worker_threads';
import { headRoomFor, SlotRing } from './batch-slots.js';
import type { EncodedBatch } from './encode-batch.js';
import { deserializeError, type EncodedPart, type FromEncoder, type ToEncoder } from './encoder-protocol.js';
import { ParquetWriterInternalError } from './errors.js';
import { siblingModule, startModuleWorker } from './module-worker.js';
import type { ColumnShape } from '../values/kinds.js';

/**
 * Slots per job (batches sent but not yet read by the worker): enough that the worker never
 * waits for the sender, few enough that they stay a few row groups of memory.
 */
export const BATCH_SLOTS = 3;

let worker: Worker | null = null;
const open = new Map<number, EncoderJob>();
let lastJob = 0;

function theWorker(): Worker {
  if (worker) return worker;
  const w = startModuleWorker(siblingModule('./encode-worker.js', import.meta.url));
  w.on('message', (m: FromEncoder) => open.get(m.job)?.receive(m));
  const lost = (why: string) => {
    if (worker === w) worker = null;
    const e = new ParquetWriterInternalError(`The Parquet encoding thread stopped: ${why}.`);
    for (const job of [...open.values()]) job.lost(e);
  };
  w.on('error', (e: Error) => lost(e.message));
  w.on('exit', (code) => lost(`exit code ${code}`));
  w.unref();
  worker = w;
  return w;
}

/**
 * Stops the worker if no job is open, giving back its memory (wasm heap, isolate: tens of MiB)
 * before other memory-hungry work; the next job starts a new worker.
 */
export async function releaseEncoder(): Promise<void> {
  if (!worker || open.size > 0) return;
  const w = worker;
  worker = null;
  await w.terminate();
}

function track(job: EncoderJob, isOpen: boolean): void {
  if (isOpen) open.set(job.id, job);
  else open.delete(job.id);
  // Referenced while a job waits on it; otherwise the worker must not keep the process alive.
  if (open.size > 0) worker?.ref();
  else worker?.unref();
}

type Waiter = { until: 'ready' | 'closed' | 'aborted'; resolve: () => void; reject: (e: Error) => void };

/** One file (with its parts) being encoded by the worker. */
export class EncoderJob {
  readonly id = ++lastJob;
  private readonly w: Worker;
  private readonly slots: SlotRing;
  private error: Error | null = null;
  private waiter: Waiter | null = null;
  private gone = false;
  readonly parts: EncodedPart[] = [];

  constructor(columns: readonly ColumnShape[], noDictionary: readonly string[]) {
    this.slots = new SlotRing(BATCH_SLOTS, headRoomFor(columns.length));
    this.w = theWorker();
    track(this, true);
    this.post({ type: 'open', job: this.id, columns: [...columns], noDictionary: [...noDictionary] });
  }

  private post(m: ToEncoder): void {
    if (this.gone) return;
    this.w.postMessage(m);
  }

  /** The first failure of the job, if any (the worker's error, or the worker lost). */
  get failure(): Error | null {
    return this.error;
  }

  startPart(path: string, renameFirst?: string): void {
    this.post({ type: 'part', job: this.id, path, ...(renameFirst !== undefined && { renameFirst }) });
  }

  /** Copies the batch into a slot and sends it; the batch's own buffers may be reused at once. */
  sendBatch(batch: EncodedBatch): void {
    this.post({ type: 'batch', job: this.id, batch: this.slots.write(batch) });
  }

  endPart(): void {
    this.post({ type: 'end-part', job: this.id });
  }

  /** True when the sender should `await ready()` before sending another batch. */
  get backlogged(): boolean {
    return !this.slots.hasFree || this.error !== null;
  }

  ready(): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.slots.hasFree) return Promise.resolve();
    return this.wait('ready');
  }

  /** Waits until every part is written; the parts in order. */
  async close(): Promise<EncodedPart[]> {
    if (this.error) throw this.error;
    this.post({ type: 'close', job: this.id });
    await this.wait('closed');
    return this.parts;
  }

  /** Stops the job; the worker removes the files it wrote. Never rejects. */
  async abort(): Promise<void> {
    if (this.gone) return;
    this.post({ type: 'abort', job: this.id });
    await this.wait('aborted').catch(() => undefined);
  }

  private wait(until: Waiter['until']): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiter = { until, resolve, reject };
    });
  }

  private settle(until: Waiter['until'] | 'error'): void {
    const w = this.waiter;
    if (!w) return;
    if (until === 'error') {
      // An abort waits for the worker's clean-up, not for the error it already knows of.
      if (w.until === 'aborted') return;
      this.waiter = null;
      w.reject(this.error!);
    } else if (w.until === until) {
      this.waiter = null;
      w.resolve();
    }
  }

  receive(m: FromEncoder): void {
    switch (m.type) {
      case 'ack':
        this.slots.release(m.slot);
        this.settle('ready');
        return;
      case 'part-done':
        this.parts.push(m.part);
        return;
      case 'closed':
        track(this, false);
        this.settle('closed');
        return;
      case 'failed':
        this.error ??= deserializeError(m.error);
        this.settle('error');
        return;
      case 'aborted':
        track(this, false);
        this.settle('aborted');
        return;
    }
  }

  /** The worker died: nothing more will come. */
  lost(e: Error): void {
    this.gone = true;
    this.error ??= e;
    track(this, false);
    const w = this.waiter;
    this.waiter = null;
    if (w?.until === 'aborted') w.resolve();
    else w?.reject(this.error);
  }
}
