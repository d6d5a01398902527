/**
 * Streaming, deterministic Parquet writer: canonical rows -> one or more Parquet part files.
 *
 * Pipeline: rows -> BatchEncoder (Arrow buffers, in the caller's thread) -> a shared slot
 * (batch-slots.ts) -> the encoding worker (encode-worker.ts: Arrow IPC -> parquet-wasm -> file
 * writes and SHA-256).
 * The caller's thread keeps reading (from the database) while the worker encodes; memory is
 * bounded by a few batches (ROW_GROUP_MAX_BYTES of values each) in flight.
 *
 * Determinism: batches are cut from the row sequence alone (rows and value-byte caps checked
 * after every row), never from how the input was chunked, and each batch becomes exactly one
 * row group. Parts are cut after the row group that reaches a part limit. The footer is held
 * back from the file until the end so the UUID/JSON logical types can be added (see footer.ts)
 * before it is written and hashed.
 */
import { unlink } from 'node:fs/promises';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { BatchEncoder } from './encode-batch.js';
import { EncoderJob } from './encoder-thread.js';

export { releaseEncoder } from './encoder-thread.js';
import { ParquetSchemaError, ParquetWriterInternalError } from './errors.js';
import { checkColumns } from './shapes.js';
import { ROW_GROUP_MAX_BYTES, ROW_GROUP_MAX_ROWS } from './settings.js';

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
  parts: ParquetPart[];
}

export function defaultPartPath(filePath: string, index: number): string {
  const stem = filePath.endsWith('.parquet') ? filePath.slice(0, -'.parquet'.length) : filePath;
  return `${stem}.${String(index).padStart(5, '0')}.parquet`;
}

function positiveLimit(name: string, v: number | undefined): number {
  if (v === undefined) return Infinity;
  if (!Number.isInteger(v) || v < 1) throw new ParquetSchemaError(`Option ${name} must be a positive integer, got ${String(v)}.`, { option: name });
  return v;
}

/**
 * Push-style writer of one table: `append` rows, `finish` (or `abort` on any failure, which
 * removes every file written). Identical rows give identical bytes however they are pushed.
 * `append` throws ParquetValueError for a value that does not match its column; the
 * constructor throws ParquetSchemaError for an unmappable shape or a bad option.
 */
export class ParquetStreamWriter {
  private readonly enc: BatchEncoder;
  private readonly job: EncoderJob;
  private readonly maxRowsPerFile: number;
  private readonly maxBytesPerFile: number;
  private readonly groupRows: number;
  private readonly groupBytes: number;
  private readonly partPath: (index: number) => string;
  /** Final path of each part started so far. */
  private readonly paths: string[] = [];
  private partOpen = false;
  private partRows = 0;
  private partBytes = 0;

  constructor(private readonly filePath: string, private readonly columns: readonly ColumnShape[], options: ParquetWriteOptions = {}) {
    checkColumns(columns);
    this.maxRowsPerFile = positiveLimit('maxRowsPerFile', options.maxRowsPerFile);
    this.maxBytesPerFile = positiveLimit('maxBytesPerFile', options.maxBytesPerFile);
    this.groupRows = Math.min(positiveLimit('rowGroupMaxRows', options.rowGroupMaxRows ?? ROW_GROUP_MAX_ROWS), ROW_GROUP_MAX_ROWS);
    this.groupBytes = positiveLimit('rowGroupMaxBytes', options.rowGroupMaxBytes ?? ROW_GROUP_MAX_BYTES);
    this.partPath = options.partPath ?? ((i: number) => defaultPartPath(filePath, i));
    const noDictionary = new Set(options.noDictionary ?? []);
    for (const name of noDictionary) {
      if (!columns.some((c) => c.name === name)) throw new ParquetSchemaError(`noDictionary names "${name}", which is not a column.`, { column: name });
    }
    this.enc = new BatchEncoder(columns, this.groupBytes);
    this.job = new EncoderJob(columns, [...noDictionary]);
  }

  /** Appends one row; returns true when the caller must `await ready()` before the next. */
  append(row: readonly CValue[]): boolean {
    const enc = this.enc;
    enc.appendRow(row);
    if (enc.rows >= this.groupRows || enc.bytes >= this.groupBytes) this.send();
    return this.job.backlogged;
  }

  /** Resolves once the worker has taken up enough batches; rejects with the worker's error. */
  ready(): Promise<void> {
    return this.job.ready();
  }

  /** Sends the encoder's batch (possibly empty) to the worker and starts the next one. */
  private send(): void {
    const batch = this.enc.batch();
    if (!this.partOpen) {
      const index = this.paths.length;
      let renameFirst: string | undefined;
      if (index === 1) {
        // A second part: the first one takes its part name too.
        renameFirst = this.partPath(0);
        this.paths[0] = renameFirst;
      }
      const path = index === 0 ? this.filePath : this.partPath(index);
      if (this.paths.includes(path)) throw new ParquetSchemaError(`partPath returned "${path}" twice; each part needs its own path.`, { path });
      this.paths.push(path);
      this.job.startPart(path, renameFirst);
      this.partOpen = true;
      this.partRows = 0;
      this.partBytes = 0;
    }
    this.job.sendBatch(batch);
    this.enc.reset();
    this.partRows += batch.rows;
    this.partBytes += batch.bytes;
    if (this.partRows >= this.maxRowsPerFile || this.partBytes >= this.maxBytesPerFile) {
      this.job.endPart();
      this.partOpen = false;
    }
  }

  /** Writes what is left and waits for every part; the first part always exists (an empty table gives a file with its schema). */
  async finish(): Promise<ParquetWriteResult> {
    if (this.enc.rows > 0 || this.paths.length === 0) {
      await this.job.ready();
      this.send();
    }
    if (this.partOpen) {
      this.job.endPart();
      this.partOpen = false;
    }
    const encoded = await this.job.close();
    if (encoded.length !== this.paths.length) throw new ParquetWriterInternalError(`The Parquet encoder wrote ${encoded.length} parts, ${this.paths.length} were started.`);
    const parts: ParquetPart[] = encoded.map((p, i) => ({ path: this.paths[i], rows: p.rows, bytes: p.bytes, sha256: p.sha256 }));
    return {
      rows: parts.reduce((n, p) => n + p.rows, 0),
      bytes: parts.reduce((n, p) => n + p.bytes, 0),
      parts,
    };
  }

  /** Stops and removes every file this writer wrote. Never rejects. */
  async abort(): Promise<void> {
    await this.job.abort();
    // The worker removed its files; this covers a worker that died before it could.
    const paths = new Set([this.filePath, ...this.paths]);
    await Promise.all([...paths].map((p) => unlink(p).catch(() => undefined)));
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
  const writer = new ParquetStreamWriter(filePath, columns, options);
  try {
    for await (const chunk of rows) {
      if (!Array.isArray(chunk)) throw new ParquetSchemaError('The row source must yield arrays of rows (CValue[][]).');
      for (let i = 0; i < chunk.length; i++) if (writer.append(chunk[i])) await writer.ready();
    }
    return await writer.finish();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
