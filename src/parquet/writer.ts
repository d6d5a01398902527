/**
 * Streaming, deterministic Parquet writer: canonical rows -> one or more Parquet part files.
 *
 * Pipeline per part: rows -> BatchEncoder (Arrow buffers) -> Arrow IPC -> wasm RecordBatch
 * (the wasm Table is freed at once) -> parquet-wasm `transformParquetStream` -> awaited file
 * writes. Memory is bounded by one batch (ROW_GROUP_MAX_BYTES of values) in each stage.
 *
 * Determinism: batches are cut from the row sequence alone (rows and value-byte caps checked
 * after every row), never from how the input was chunked, and each batch becomes exactly one
 * row group. The footer is held back from the file until the end so the UUID/JSON logical
 * types can be added (see footer.ts) before it is written and hashed.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { BatchEncoder } from './encode-batch.js';
import { ParquetSchemaError, ParquetWriterInternalError } from './errors.js';
import { footerLength, footerNumRows, footerTail, patchLogicalTypes } from './footer.js';
import { arrowSchemaFor } from './schema.js';
import { ROW_GROUP_MAX_BYTES, ROW_GROUP_MAX_ROWS, writerProperties } from './settings.js';

export interface ParquetWriteOptions {
  /** Close a part after the row group that brings it to this many rows (default: no limit). */
  maxRowsPerFile?: number;
  /**
   * Close a part after the row group that brings its value bytes (the same measure as the
   * row-group cap, roughly the uncompressed data size) to this many (default: no limit).
   */
  maxBytesPerFile?: number;
  /**
   * Path of part `index` (0-based) when a table needs more than one part (formats/README.md §1).
   * Default: `filePath` with `.parquet` replaced by `.<index, 5 digits>.parquet`. A table that
   * fits one part is written at `filePath`; part 0 is renamed once a second part starts.
   */
  partPath?: (index: number) => string;
  /** Columns to write without dictionary encoding besides the kinds that never use one (e.g. a unique key). */
  noDictionary?: readonly string[];
  /** Overrides of the row-group caps, for tests only: changing them changes file bytes. */
  rowGroupMaxRows?: number;
  rowGroupMaxBytes?: number;
}

export interface ParquetPart {
  path: string;
  rows: number;
  bytes: number;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
}

export interface ParquetWriteResult {
  rows: number;
  bytes: number;
  /** SHA-256 of all parts' bytes concatenated in order: the file's own hash when there is one part. */
  sha256: string;
  parts: ParquetPart[];
}

export function defaultPartPath(filePath: string, index: number): string {
  const stem = filePath.endsWith('.parquet') ? filePath.slice(0, -'.parquet'.length) : filePath;
  return `${stem}.${String(index).padStart(5, '0')}.parquet`;
}

interface Produced {
  batch: pw.RecordBatch;
  rows: number;
  bytes: number;
}

function positiveLimit(name: string, v: number | undefined): number {
  if (v === undefined) return Infinity;
  if (!Number.isInteger(v) || v < 1) throw new ParquetSchemaError(`Option ${name} must be a positive integer, got ${String(v)}.`, { option: name });
  return v;
}

/** Pulls rows from the async chunk iterator into the encoder, one batch at a time. */
class RowSource {
  private chunk: readonly (readonly CValue[])[] = [];
  private pos = 0;
  ended = false;
  private readonly it: AsyncIterator<readonly (readonly CValue[])[]>;

  constructor(rows: AsyncIterable<readonly (readonly CValue[])[]>, private readonly enc: BatchEncoder, private readonly maxRows: number, private readonly maxBytes: number) {
    this.it = rows[Symbol.asyncIterator]();
  }

  /** Fills the encoder up to the batch caps or the end of input. */
  async fill(): Promise<void> {
    const enc = this.enc;
    while (enc.rows < this.maxRows && enc.bytes < this.maxBytes) {
      if (this.pos >= this.chunk.length) {
        if (this.ended) return;
        const r = await this.it.next();
        if (r.done) {
          this.ended = true;
          return;
        }
        if (!Array.isArray(r.value)) throw new ParquetSchemaError('The row source must yield arrays of rows (CValue[][]).');
        this.chunk = r.value;
        this.pos = 0;
        continue;
      }
      enc.appendRow(this.chunk[this.pos++]);
    }
  }

  async close(): Promise<void> {
    if (!this.ended && this.it.return) await this.it.return();
  }
}

function toWasmBatch(rb: arrow.RecordBatch): pw.RecordBatch {
  const ipc = arrow.tableToIPC(new arrow.Table(rb), 'stream');
  const table = pw.Table.fromIPCStream(ipc);
  try {
    const batch = table.recordBatch(0);
    if (batch === undefined) throw new ParquetWriterInternalError('parquet-wasm returned no record batch for an IPC stream.');
    return batch;
  } finally {
    // Without this the wasm heap keeps every batch (measured: grows with the table).
    table.free();
  }
}

/** Writes one part; chunks are written as they come except the last, which holds the footer. */
class PartFile {
  private pending: Uint8Array | null = null;
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private constructor(private readonly fh: FileHandle, private readonly total: Hash) {}

  static async create(path: string, total: Hash): Promise<PartFile> {
    return new PartFile(await open(path, 'w'), total);
  }

  private async emit(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) {
      const { bytesWritten } = await this.fh.write(b, off, b.length - off);
      off += bytesWritten;
    }
    this.hash.update(b);
    this.total.update(b);
    this.bytes += b.length;
  }

  /**
   * `mayBeLast`: the input has ended, so this chunk may hold the footer. Chunks before that
   * cannot (parquet-rs writes the footer on close, after the last batch), so they go straight
   * to the file instead of being held, which keeps one row group less in memory.
   */
  async chunk(b: Uint8Array, mayBeLast: boolean): Promise<void> {
    if (this.pending) {
      await this.emit(this.pending);
      this.pending = null;
    }
    if (mayBeLast) this.pending = b;
    else await this.emit(b);
  }

  async finish(columns: readonly ColumnShape[], expectRows: number): Promise<string> {
    const last = this.pending;
    if (!last) throw new ParquetWriterInternalError('parquet-wasm produced no output.');
    const flen = footerLength(last);
    if (flen + 8 > last.length) {
      throw new ParquetWriterInternalError('parquet-wasm emitted the footer across output chunks; the pinned version does not, so this is an upgrade to review.', { footer: flen, chunk: last.length });
    }
    const bodyEnd = last.length - flen - 8;
    const footer = last.subarray(bodyEnd, last.length - 8);
    const needsPatch = columns.some((c) => c.kind === 'uuid' || c.kind === 'json');
    const finalFooter = needsPatch ? patchLogicalTypes(footer, columns) : footer;
    const rows = footerNumRows(finalFooter);
    if (rows !== BigInt(expectRows)) {
      // transformParquetStream drops write errors silently; a row count check catches them.
      throw new ParquetWriterInternalError(`parquet-wasm wrote ${rows} rows, expected ${expectRows}.`, { written: Number(rows), expected: expectRows });
    }
    await this.emit(last.subarray(0, bodyEnd));
    await this.emit(footerTail(finalFooter));
    this.pending = null;
    return this.hash.digest('hex');
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * Write `rows` (chunks of canonical rows, any chunking) as Parquet. Identical rows give
 * identical bytes whatever the chunking. Rejects with ParquetValueError for a value that does
 * not match its column (no file is left behind) and ParquetSchemaError for an unmappable shape.
 */
export async function writeParquet(
  filePath: string,
  columns: readonly ColumnShape[],
  rows: AsyncIterable<readonly (readonly CValue[])[]>,
  options: ParquetWriteOptions = {},
): Promise<ParquetWriteResult> {
  const schema = arrowSchemaFor(columns);
  const maxRowsPerFile = positiveLimit('maxRowsPerFile', options.maxRowsPerFile);
  const maxBytesPerFile = positiveLimit('maxBytesPerFile', options.maxBytesPerFile);
  const groupRows = Math.min(positiveLimit('rowGroupMaxRows', options.rowGroupMaxRows ?? ROW_GROUP_MAX_ROWS), ROW_GROUP_MAX_ROWS);
  const groupBytes = positiveLimit('rowGroupMaxBytes', options.rowGroupMaxBytes ?? ROW_GROUP_MAX_BYTES);
  const partPath = options.partPath ?? ((i: number) => defaultPartPath(filePath, i));
  const noDictionary = new Set(options.noDictionary ?? []);
  for (const name of noDictionary) {
    if (!columns.some((c) => c.name === name)) throw new ParquetSchemaError(`noDictionary names "${name}", which is not a column.`, { column: name });
  }

  const enc = new BatchEncoder(columns, schema, groupBytes);
  const source = new RowSource(rows, enc, groupRows, groupBytes);
  const total = createHash('sha256');
  const parts: ParquetPart[] = [];
  const written: string[] = [];

  /** The next batch, or null at the end of input (an empty batch only when `allowEmpty`). */
  const produce = async (allowEmpty: boolean): Promise<Produced | null> => {
    enc.reset();
    await source.fill();
    if (enc.rows === 0 && !allowEmpty) return null;
    const produced = { batch: toWasmBatch(enc.toRecordBatch()), rows: enc.rows, bytes: enc.bytes };
    return produced;
  };

  try {
    // The first part always exists, so an empty table still gives a file with its schema.
    let next = await produce(true);
    while (next !== null) {
      if (parts.length === 1) {
        // A second part: the first one takes its part name too.
        const first = partPath(0);
        await rename(parts[0].path, first);
        written[0] = first;
        parts[0].path = first;
      }
      const path = parts.length === 0 ? filePath : partPath(parts.length);
      if (written.includes(path)) throw new ParquetSchemaError(`partPath returned "${path}" twice; each part needs its own path.`, { path });
      written.push(path);
      const first: Produced = next;
      next = null;
      let partRows = 0;
      let partBytes = 0;
      let queued: Produced | null = first;
      let failure: unknown = null;
      let inputClosed = false;
      const input = new ReadableStream<pw.RecordBatch>({
        pull: async (controller) => {
          try {
            let p = queued;
            queued = null;
            if (p === null && partRows < maxRowsPerFile && partBytes < maxBytesPerFile && !source.ended) p = await produce(false);
            if (p === null) {
              inputClosed = true;
              controller.close();
              return;
            }
            partRows += p.rows;
            partBytes += p.bytes;
            controller.enqueue(p.batch);
          } catch (e) {
            // Erroring the stream would reach parquet-wasm, which ignores batch errors and
            // writes a short file; close instead and rethrow once the output has drained.
            failure = e;
            inputClosed = true;
            controller.close();
          }
        },
      }, { highWaterMark: 0 });

      const file = await PartFile.create(path, total);
      try {
        let output: ReadableStream<Uint8Array>;
        try {
          output = await pw.transformParquetStream(input, writerProperties(columns, noDictionary));
        } catch (e) {
          throw failure ?? e;
        }
        for await (const chunk of output as unknown as AsyncIterable<Uint8Array>) await file.chunk(chunk, inputClosed);
        if (failure !== null) throw failure;
        const sha256 = await file.finish(columns, partRows);
        parts.push({ path, rows: partRows, bytes: file.bytes, sha256 });
      } finally {
        await file.close();
      }
      if (!source.ended) next = await produce(false);
    }
  } catch (e) {
    await source.close().catch(() => undefined);
    await Promise.all(written.map((p) => unlink(p).catch(() => undefined)));
    throw e;
  }

  return {
    rows: parts.reduce((n, p) => n + p.rows, 0),
    bytes: parts.reduce((n, p) => n + p.bytes, 0),
    sha256: total.digest('hex'),
    parts,
  };
}
