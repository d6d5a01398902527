/**
 * Streaming reader for files written by writer.ts: yields exactly the canonical values that
 * were written. Memory stays bounded: the file is read in ranges on demand (file-ranges.ts) one
 * row group at a time, and each wasm batch is handed to JS and released at once.
 */
import * as arrow from 'apache-arrow';
import { parseRecordBatch } from 'arrow-js-ffi';
import * as pw from 'parquet-wasm';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { decodeBatch } from './decode-batch.js';
import { ParquetFileError } from './errors.js';
import { FileRanges } from './file-ranges.js';
import { columnShapesFromArrowSchema } from './schema.js';

export interface ParquetReadOptions {
  /** Rows per yielded chunk (default 8192). */
  batchSize?: number;
  /** Read only these row groups (0-based, in this order); default all. */
  rowGroups?: number[];
  /**
   * Bytes and uuid values as views of their chunk's buffer instead of copies (decodeBatch):
   * faster, for callers that use each row and let it go; a kept value keeps its whole chunk.
   */
  views?: boolean;
}

export const DEFAULT_READ_BATCH_SIZE = 8192;

/** An open Parquet file; `close` frees it and closes the file. */
interface OpenFile {
  file: pw.ParquetFile;
  close(): Promise<void>;
}

async function openFile(filePath: string): Promise<OpenFile> {
  let ranges: FileRanges;
  try {
    ranges = await FileRanges.open(filePath);
  } catch (e) {
    throw new ParquetFileError(`Cannot open Parquet file ${filePath}: ${(e as Error).message}.`, { path: filePath });
  }
  try {
    const file = await pw.ParquetFile.fromFile(ranges.asBlob());
    return {
      file,
      close: async () => {
        file.free();
        await ranges.close();
      },
    };
  } catch (e) {
    await ranges.close();
    throw new ParquetFileError(`${filePath} is not a readable Parquet file (${String(e)}); re-export it.`, { path: filePath });
  }
}

function schemaOf(file: pw.ParquetFile, filePath: string): ColumnShape[] {
  const ipc = file.schema().intoIPCStream();
  const schema = arrow.tableFromIPC(ipc).schema;
  try {
    return columnShapesFromArrowSchema(schema);
  } catch (e) {
    if (e instanceof ParquetFileError) throw new ParquetFileError(`${filePath}: ${e.message}`, { ...e.data, path: filePath });
    throw e;
  }
}

/** An open Parquet file: its layout from the metadata, and its rows on demand. */
export interface ParquetSource {
  columns: ColumnShape[];
  rowGroups: number;
  /** Rows in file order, in chunks of at most `batchSize` rows. */
  rows(options?: ParquetReadOptions): AsyncGenerator<CValue[][]>;
  /**
   * The same chunks as Arrow batches whose buffers are views of the decoder's memory, each
   * handed to `use` and valid only until it returns (`views` does not apply).
   */
  forEachBatch(use: (batch: arrow.RecordBatch) => void, options?: ParquetReadOptions): Promise<void>;
  close(): Promise<void>;
}

/** Opens a file once for both its layout and its rows (opening reads the footer each time). */
export async function openParquet(filePath: string): Promise<ParquetSource> {
  const { file, close } = await openFile(filePath);
  try {
    const meta = file.metadata();
    let rowGroups: number;
    try {
      rowGroups = meta.numRowGroups();
    } finally {
      meta.free();
    }
    const columns = schemaOf(file, filePath);
    return {
      columns,
      rowGroups,
      rows: (options = {}) => rowsOf(file, columns, options),
      forEachBatch: (use, options = {}) => forEachBatchOf(file, use, options),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

function wasmBatches(file: pw.ParquetFile, options: ParquetReadOptions): Promise<AsyncIterable<pw.RecordBatch>> {
  const batchSize = options.batchSize ?? DEFAULT_READ_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ParquetFileError(`batchSize must be a positive integer, got ${String(batchSize)}.`);
  return file.stream({ batchSize, ...(options.rowGroups && { rowGroups: options.rowGroups }) }) as Promise<AsyncIterable<pw.RecordBatch>>;
}

async function* rowsOf(file: pw.ParquetFile, columns: ColumnShape[], options: ParquetReadOptions): AsyncGenerator<CValue[][]> {
  for await (const wasmBatch of await wasmBatches(file, options)) {
    // intoIPCStream consumes (frees) the wasm batch.
    const table = arrow.tableFromIPC(wasmBatch.intoIPCStream());
    for (const batch of table.batches) {
      if (batch.numRows > 0) yield decodeBatch(columns, batch, options.views ?? false);
    }
  }
}

/**
 * Each batch is read in place through the Arrow C data interface: no IPC stream written in
 * wasm, copied out and parsed, and none of the short-lived multi-megabyte buffers that made V8
 * start full collections. The views stay valid while no wasm code runs, i.e. during `use`.
 */
async function forEachBatchOf(file: pw.ParquetFile, use: (batch: arrow.RecordBatch) => void, options: ParquetReadOptions): Promise<void> {
  for await (const wasmBatch of await wasmBatches(file, options)) {
    const ffi = wasmBatch.intoFFI();
    try {
      const batch = parseRecordBatch(pw.wasmMemory().buffer, ffi.arrayAddr(), ffi.schemaAddr(), false);
      // The C data interface keeps an array's offset over whole buffers, where Arrow JS slices
      // them: such arrays would be misread. The Parquet reader makes none; refuse rather than guess.
      if (batch.data.offset !== 0 || batch.data.children.some((d: arrow.Data) => d.offset !== 0)) {
        throw new ParquetFileError('The Parquet decoder gave an Arrow array with an offset, which this reader does not read in place.');
      }
      if (batch.numRows > 0) use(batch);
    } finally {
      ffi.free();
    }
  }
}

/** The ColumnShapes recorded in a file's metadata, without reading any data. */
export async function readParquetSchema(filePath: string): Promise<ColumnShape[]> {
  const { columns, close } = await openParquet(filePath);
  await close();
  return columns;
}

/** `ParquetSource.forEachBatch` of a file opened for the call. */
export async function forEachParquetBatch(filePath: string, use: (batch: arrow.RecordBatch) => void, options: ParquetReadOptions = {}): Promise<void> {
  const source = await openParquet(filePath);
  try {
    await source.forEachBatch(use, options);
  } finally {
    await source.close();
  }
}

/** Rows of a file in file order, in chunks of at most `batchSize` rows. */
export async function* readParquet(filePath: string, options: ParquetReadOptions = {}): AsyncGenerator<CValue[][]> {
  const source = await openParquet(filePath);
  try {
    yield* source.rows(options);
  } finally {
    await source.close();
  }
}
