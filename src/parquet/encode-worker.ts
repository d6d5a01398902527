/**
 * The Parquet encoding thread. It receives batches as Arrow buffers in shared slots
 * (batch-slots.ts) and turns them into part files: Arrow IPC -> wasm RecordBatch (the wasm Table is freed at
 * once) -> parquet-wasm `transformParquetStream` -> awaited file writes and the file's SHA-256.
 * This is the most expensive half of an export (Arrow IPC, Parquet encoding and zstd in wasm,
 * file hashing), so it runs beside the database read instead of after it.
 *
 * Memory: the sender has only a few slots, each freed by an `ack`, and
 * parquet-rs closes a row group after every batch (settings.ts), so a job holds a few batches.
 */
import { rename, unlink } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import type { ColumnShape } from '../values/kinds.js';
import { batchOfSlot } from './batch-slots.js';
import type { EncodedBatch } from './encode-batch.js';
import { serializeError, type FromEncoder, type ToEncoder } from './encoder-protocol.js';
import { ParquetWriterInternalError } from './errors.js';
import { PartFile } from './part-file.js';
import { arrowSchemaFor } from './schema.js';
import { writerProperties } from './writer-properties.js';

const port = parentPort;
if (!port) throw new Error('encode-worker.ts runs as a worker thread (see encoder-thread.ts)');

function post(msg: FromEncoder): void {
  port!.postMessage(msg);
}

/** An Arrow RecordBatch over a taken batch's buffers (no copy). */
export function recordBatchOf(schema: arrow.Schema, batch: EncodedBatch): arrow.RecordBatch {
  const children = batch.columns.map((c, i) => arrow.makeData({
    type: schema.fields[i].type, length: c.length, nullCount: c.nullCount, nullBitmap: c.nullBitmap, data: c.data, valueOffsets: c.valueOffsets,
  } as never));
  const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.rows, nullCount: 0, children });
  return new arrow.RecordBatch(schema, struct);
}

function toWasmBatch(schema: arrow.Schema, batch: EncodedBatch): pw.RecordBatch {
  const ipc = arrow.tableToIPC(new arrow.Table(recordBatchOf(schema, batch)), 'stream');
  const table = pw.Table.fromIPCStream(ipc);
  try {
    const rb = table.recordBatch(0);
    if (rb === undefined) throw new ParquetWriterInternalError('parquet-wasm returned no record batch for an IPC stream.');
    return rb;
  } finally {
    // Without this the wasm heap keeps every batch (measured: grows with the table).
    table.free();
  }
}

type Inbox = Exclude<ToEncoder, { type: 'open' | 'abort' }> | { type: 'abort'; job: number };

class Job {
  private readonly schema: arrow.Schema;
  private readonly inbox: Inbox[] = [];
  private waiting: ((m: Inbox) => void) | null = null;
  private readonly written: string[] = [];
  private aborted = false;
  private failed = false;
  closed = false;
  private running: Promise<void>;

  constructor(readonly id: number, private readonly columns: ColumnShape[], private readonly noDictionary: ReadonlySet<string>) {
    this.schema = arrowSchemaFor(columns);
    this.running = this.run().catch((e: unknown) => {
      this.failed = true;
      this.inbox.length = 0;
      if (!this.aborted) post({ type: 'failed', job: this.id, error: serializeError(e) });
    });
  }

  deliver(m: Inbox): void {
    if (m.type === 'abort') {
      this.aborted = true;
      this.inbox.length = 0;
      void this.running.then(() => this.cleanUp());
    } else if (this.failed || this.aborted) {
      return; // dropped: the sender learns of the failure and aborts
    }
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(m);
    } else {
      this.inbox.push(m);
    }
  }

  private next(): Promise<Inbox> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private async run(): Promise<void> {
    for (;;) {
      const m = await this.next();
      if (m.type === 'abort' || m.type === 'close') {
        if (m.type === 'close') {
          this.closed = true;
          post({ type: 'closed', job: this.id });
        }
        return;
      }
      if (m.type !== 'part') throw new ParquetWriterInternalError(`Parquet encoder: unexpected "${m.type}" outside a part.`);
      if (m.renameFirst !== undefined) {
        await rename(this.written[0], m.renameFirst);
        this.written[0] = m.renameFirst;
      }
      this.written.push(m.path);
      const part = await this.part(m.path);
      if (part === null) return; // aborted
      post({ type: 'part-done', job: this.id, part });
    }
  }

  /** Streams the part's batches through parquet-wasm into its file; null when aborted. */
  private async part(path: string): Promise<{ path: string; rows: number; bytes: number; sha256: string } | null> {
    let rows = 0;
    let failure: unknown = null;
    let inputClosed = false;
    let aborted = false;
    const input = new ReadableStream<pw.RecordBatch>({
      pull: async (controller) => {
        try {
          const m = await this.next();
          if (m.type === 'batch') {
            const rb = toWasmBatch(this.schema, batchOfSlot(m.batch));
            rows += m.batch.rows;
            // IPC has copied the slot's bytes: the sender may fill it again.
            post({ type: 'ack', job: this.id, slot: m.batch.slot });
            controller.enqueue(rb);
            return;
          }
          if (m.type === 'abort') aborted = true;
          else if (m.type !== 'end-part') throw new ParquetWriterInternalError(`Parquet encoder: unexpected "${m.type}" inside a part.`);
        } catch (e) {
          // Erroring the stream would reach parquet-wasm, which ignores batch errors and
          // writes a short file; close instead and rethrow once the output has drained.
          failure = e;
        }
        inputClosed = true;
        controller.close();
      },
    }, { highWaterMark: 0 });

    const file = await PartFile.create(path);
    try {
      let output: ReadableStream<Uint8Array>;
      try {
        output = await pw.transformParquetStream(input, writerProperties(this.columns, this.noDictionary));
      } catch (e) {
        throw failure ?? e;
      }
      for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) await file.chunk(chunk, inputClosed);
      if (failure !== null) throw failure;
      if (aborted) return null;
      const sha256 = await file.finish(this.columns, rows);
      return { path, rows, bytes: file.bytes, sha256 };
    } finally {
      await file.close();
    }
  }

  private async cleanUp(): Promise<void> {
    await Promise.all(this.written.map((p) => unlink(p).catch(() => undefined)));
    jobs.delete(this.id);
    post({ type: 'aborted', job: this.id });
  }

  get done(): Promise<void> {
    return this.running;
  }
}

const jobs = new Map<number, Job>();

port.on('message', (m: ToEncoder) => {
  if (m.type === 'open') {
    try {
      const job = new Job(m.job, m.columns, new Set(m.noDictionary));
      jobs.set(m.job, job);
      // A closed job is forgotten; a failed one stays until the sender's abort cleans up.
      void job.done.then(() => {
        if (job.closed) jobs.delete(m.job);
      });
    } catch (e) {
      post({ type: 'failed', job: m.job, error: serializeError(e) });
    }
    return;
  }
  const job = jobs.get(m.job);
  if (job) job.deliver(m);
  else if (m.type === 'abort') post({ type: 'aborted', job: m.job });
});
