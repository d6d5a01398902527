/** Messages between the digest pool and its workers. */
import type { Family } from '../db/types.js';
import type { NormalizeColumn } from '../values/normalize.js';
import type { ColumnShape } from '../values/kinds.js';

/** Row groups of a Parquet file of the snapshot. */
export interface ParquetRowsTask {
  kind: 'parquet';
  file: string;
  rowGroups: number[];
}

/** Rows read from a PostgreSQL target, still in binary COPY form (db/types.ts EncodedRowStream). */
export interface CopyRowsTask {
  kind: 'copy';
  rows: Uint8Array;
  types: number[];
  family: Family;
  /** How each column's raw value is normalised, as the exporter does it. */
  normalize: NormalizeColumn[];
}

export type DigestTask = (ParquetRowsTask | CopyRowsTask) & {
  id: number;
  /** The table's columns, for the row digests. */
  columns: ColumnShape[];
};

/** Sent to a new worker that will read Parquet: load the reader now, while nothing waits on it. */
export interface PreloadParquet {
  kind: 'preload-parquet';
}

export type DigestReply =
  | { id: number; rows: number; digests: Uint8Array }
  | { id: number; error: string };
