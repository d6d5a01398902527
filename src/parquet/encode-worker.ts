/**
 * The Parquet encoding thread. It receives batches as Arrow buffers in shared slots
 * (batch-slots.ts) and turns them into part files: Arrow IPC (written around the buffers in the
 * slot, ipc-message.ts) -> wasm RecordBatch (the wasm Table is freed at once) -> parquet-wasm
 * `transformParquetStream` -> awaited file writes and the file's SHA-256.
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
import type { SlotBatch } from './batch-slots.js';
import { serializeError, type FromEncoder, type ToEncoder } from './encoder-protocol.js';
import { ParquetWriterInternalError } from './errors.js';
import { END_OF_STREAM, recordBatchMessage, type BodyBuffer, type FieldNode } from './ipc-message.js';
import { PartFile } from './part-file.js';
import { arrowSchemaFor } from './schema.js';
import { writerProperties } from './writer-properties.js';

const port = parentPort;
if (!port) throw new Error('encode-worker.ts runs as a worker thread (see encoder-thread.ts)');

function post(msg: FromEncoder): void {
  port!.postMessage(msg);
}

/**
 * The IPC stream of one batch inside its slot: the schema message and the record-batch header
 * are written into the room before the body and the end marker after it, and parquet-wasm
 * copies the whole range into wasm memory once. When the head does not fit the room (a very
 * wide schema), the stream is assembled in a new buffer instead.
 */
function ipcStreamOf(schemaMessage: Uint8Array, b: SlotBatch): Uint8Array {
  const nodes: FieldNode[] = [];
  const buffers: BodyBuffer[] = [];
  const body = (p: [string, number, number] | undefined, bytesPerElement: number): BodyBuffer =>
    p === undefined ? { offset: 0, length: 0 } : { offset: p[1] - b.bodyStart, length: p[2] * bytesPerElement };
  for (const c of b.columns) {
    nodes.push({ length: c.length, nullCount: c.nullCount });
    buffers.push(body(c.nullBitmap, 1));
    if (c.valueOffsets) buffers.push(body(c.valueOffsets, 4));
    buffers.push(body(c.data, BYTES_PER_ELEMENT[c.data[0]]));
  }
  const header = recordBatchMessage(b.rows, nodes, buffers, b.bodyEnd - b.bodyStart);
  const headLength = schemaMessage.length + header.length;
  const slot = new Uint8Array(b.buffer);
  slot.set(END_OF_STREAM, b.bodyEnd);
  if (headLength <= b.bodyStart) {
    const start = b.bodyStart - headLength;
    slot.set(schemaMessage, start);
    slot.set(header, start + schemaMessage.length);
    return slot.subarray(start, b.bodyEnd + END_OF_STREAM.length);
  }
  const out = new Uint8Array(headLength + b.bodyEnd - b.bodyStart + END_OF_STREAM.length);
  out.set(schemaMessage, 0);
  out.set(header, schemaMessage.length);
  out.set(slot.subarray(b.bodyStart, b.bodyEnd + END_OF_STREAM.length), headLength);
  return out;
}

const BYTES_PER_ELEMENT: Record<string, number> = {
  Int8Array: 1, Uint8Array: 1, Int16Array: 2, Uint16Array: 2, Int32Array: 4, Uint32Array: 4, Float32Array: 4,
  Float64Array: 8, BigInt64Array: 8, BigUint64Array: 8,
};

/** The Arrow IPC schema message of `schema` (arrow writes it, once per table). */
function schemaMessageOf(schema: arrow.Schema): Uint8Array {
  const ipc = arrow.tableToIPC(new arrow.Table(schema), 'stream');
  // An empty table's stream is the schema message and the end marker.
  return ipc.slice(0, ipc.length - END_OF_STREAM.length);
}

function toWasmBatch(ipc: Uint8Array): pw.RecordBatch {
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
  private readonly schemaMessage: Uint8Array;
  private readonly inbox: Inbox[] = [];
  private waiting: ((m: Inbox) => void) | null = null;
  private readonly written: string[] = [];
  private aborted = false;
  private failed = false;
  closed = false;
  private running: Promise<void>;

  constructor(readonly id: number, private readonly columns: ColumnShape[], private readonly noDictionary: ReadonlySet<string>) {
    this.schemaMessage = schemaMessageOf(arrowSchemaFor(columns));
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
            const rb = toWasmBatch(ipcStreamOf(this.schemaMessage, m.batch));
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
