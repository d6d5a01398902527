/**
 * Group a driver's row stream (an object-mode Readable whose high-water mark bounds how many
 * rows the driver buffers ahead) into arrays of rows. Leaving the loop early destroys the
 * stream, which tells the driver to stop or to discard the rest.
 */
import type { Readable } from 'node:stream';
import type { RawValue } from './types.js';

export const DEFAULT_BATCH_ROWS = 10_000;

/**
 * Rows a driver may read ahead of the batch being filled. Small, so that what is held stays
 * close to one batch (the consumer's) plus this; large enough that pausing and resuming the
 * socket or cursor costs little.
 */
export const READ_AHEAD_ROWS = 1000;

export function readAheadRows(batchRows: number): number {
  return Math.min(batchRows, READ_AHEAD_ROWS);
}

export function batchRowsOption(options?: { batchRows?: number }): number {
  const n = options?.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`batchRows must be a positive integer, got ${n}`);
  return n;
}

export async function* batchesOf(rows: Readable, batchRows: number): AsyncGenerator<RawValue[][]> {
  let batch: RawValue[][] = [];
  for await (const row of rows) {
    batch.push(row as RawValue[]);
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
