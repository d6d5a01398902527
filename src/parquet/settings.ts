/**
 * The pinned Parquet writer settings (formats/parquet.md "Writer settings").
 *
 * Every setting that shapes the bytes is fixed here, including ones that equal parquet-rs's
 * current defaults, so that a default changing upstream cannot change our files silently.
 * Changing anything in this file changes file bytes: bump PARQUET_CREATED_BY's version.
 */
import * as pw from 'parquet-wasm';
import type { ColumnShape } from '../values/kinds.js';
import { isWideDecimal } from './schema.js';

export const PARQUET_CREATED_BY = 'dj-snapshot parquet v1';

/** A row group (= one Arrow batch) closes at this many rows... */
export const ROW_GROUP_MAX_ROWS = 131_072;
/** ...or after the row that brings its value bytes (see `BatchEncoder`) to this many. */
export const ROW_GROUP_MAX_BYTES = 4 * 1024 * 1024;

const DATA_PAGE_SIZE_LIMIT = 1024 * 1024;
const DICTIONARY_PAGE_SIZE_LIMIT = 1024 * 1024;
const WRITE_BATCH_SIZE = 1024;

/** Kinds whose values are mostly unique or large, where a dictionary only costs time. */
export function dictionaryDisabled(c: ColumnShape): boolean {
  return c.kind === 'bytes' || c.kind === 'uuid' || c.kind === 'float32' || c.kind === 'float64' ||
    c.kind === 'datetime' || isWideDecimal(c);
}

/**
 * Statistics per column chunk (not per page: keeps the footer small), except for bytes:
 * min/max of opaque blobs help no query and would copy up to two values per row group
 * into the footer.
 */
export function statisticsFor(c: ColumnShape): pw.EnabledStatistics {
  return c.kind === 'bytes' ? pw.EnabledStatistics.None : pw.EnabledStatistics.Chunk;
}

export function writerProperties(columns: readonly ColumnShape[], noDictionary: ReadonlySet<string>): pw.WriterProperties {
  // Builder methods consume the builder (Rust by-value self): always chain on the result.
  let b = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V1)
    .setCreatedBy(PARQUET_CREATED_BY)
    .setCompression(pw.Compression.ZSTD)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setDictionaryEnabled(true)
    .setDataPageSizeLimit(DATA_PAGE_SIZE_LIMIT)
    .setDictionaryPageSizeLimit(DICTIONARY_PAGE_SIZE_LIMIT)
    .setWriteBatchSize(WRITE_BATCH_SIZE)
    .setMaxRowGroupSize(ROW_GROUP_MAX_ROWS)
    // One byte: parquet-rs then closes the row group after every batch it is given (it never
    // splits a batch that starts an empty row group), so row groups are exactly our batches and
    // their boundaries follow our documented rule rather than parquet-rs's size estimates.
    .setMaxRowGroupBytes(1);
  for (const c of columns) {
    if (dictionaryDisabled(c) || noDictionary.has(c.name)) b = b.setColumnDictionaryEnabled(c.name, false);
    const stats = statisticsFor(c);
    if (stats !== pw.EnabledStatistics.Chunk) b = b.setColumnStatisticsEnabled(c.name, stats);
  }
  return b.build();
}
