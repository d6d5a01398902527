/**
 * The pinned Parquet writer settings (formats/parquet.md "Writer settings").
 *
 * Every setting that shapes the bytes is fixed here, including ones that equal parquet-rs's
 * current defaults, so that a default changing upstream cannot change our files silently.
 * Changing anything in this file changes file bytes: bump PARQUET_CREATED_BY's version.
 * writer-properties.ts applies them to parquet-wasm; this module does not load parquet-wasm,
 * so the thread that only batches rows does not pay for a wasm instance.
 */
import type { ColumnShape } from '../values/kinds.js';
import { isWideDecimal } from './shapes.js';

export const PARQUET_CREATED_BY = 'dj-snapshot parquet v1';

/** A row group (= one Arrow batch) closes at this many rows... */
export const ROW_GROUP_MAX_ROWS = 131_072;
/** ...or after the row that brings its value bytes (see `BatchEncoder`) to this many. */
export const ROW_GROUP_MAX_BYTES = 4 * 1024 * 1024;

export const DATA_PAGE_SIZE_LIMIT = 1024 * 1024;
export const DICTIONARY_PAGE_SIZE_LIMIT = 1024 * 1024;
export const WRITE_BATCH_SIZE = 1024;

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
export function statisticsFor(c: ColumnShape): 'chunk' | 'none' {
  return c.kind === 'bytes' ? 'none' : 'chunk';
}
