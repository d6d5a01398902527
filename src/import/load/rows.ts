/**
 * The part every bulk loader shares: what is loaded into one table, and the formatting of a
 * row stream into byte chunks of about a target size (bounded memory: one chunk at a time).
 */
import type { CValue } from '../../values/kinds.js';
import { ChunkWriter } from '../encode/chunk.js';
import type { TargetColumn } from '../encode/literal.js';
import type { RowWriter } from '../encode/pg-text.js';

export interface LoadColumn {
  name: string;
  /** Index of this column's value in the source rows. */
  source: number;
  target: TargetColumn;
  /** `schema.table.column`, for messages */
  where: string;
}

export interface TableLoad {
  /** Target schema and table. */
  schema: string;
  table: string;
  /** The columns to fill, in the order the stream carries them (generated columns left out). */
  columns: LoadColumn[];
  /** Delete the rows already there first (a partial load being redone), in the same transaction. */
  clear: boolean;
  /** PostgreSQL/PGlite COPY format: binary where every column has an encoder (default), or text. */
  format?: 'auto' | 'text';
  /** Rows the source holds, when known (see pg-keys.ts). */
  rows?: number;
}

export type RowBatches = AsyncIterable<readonly (readonly CValue[])[]>;
export type RowsListener = (rowsSoFar: number) => void;

/** Format rows into chunks of at least `targetBytes` (the last one smaller). */
export async function* formatChunks(
  batches: RowBatches,
  writeRow: RowWriter,
  targetBytes: number,
  counter: { rows: number },
  onRows?: RowsListener,
): AsyncGenerator<Buffer> {
  const w = new ChunkWriter(Math.min(targetBytes * 2, 64 << 20));
  for await (const batch of batches) {
    for (const row of batch) {
      writeRow(w, row);
      counter.rows++;
      if (w.size >= targetBytes) yield w.take();
    }
    onRows?.(counter.rows);
  }
  if (w.size > 0) yield w.take();
}
