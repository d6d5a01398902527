/**
 * Messages between a ParquetStreamWriter (any thread) and the encoding worker
 * (encode-worker.ts). Each written table is a job; its messages are handled in order.
 *
 * A job is: open, then for every part `part`, its batches and `end-part`, then `close`; or
 * `abort` at any point, which stops the job and removes every file it wrote.
 */
import type { ColumnShape } from '../values/kinds.js';
import type { SlotBatch } from './batch-slots.js';
import { ParquetFileError, ParquetSchemaError, ParquetValueError, ParquetWriterInternalError } from './errors.js';

export type ToEncoder =
  | { type: 'open'; job: number; columns: ColumnShape[]; noDictionary: string[] }
  /** Start a part file; `renameFirst`: part 0 (finished) moves to this path first. */
  | { type: 'part'; job: number; path: string; renameFirst?: string }
  | { type: 'batch'; job: number; batch: SlotBatch }
  | { type: 'end-part'; job: number }
  | { type: 'close'; job: number }
  | { type: 'abort'; job: number };

export interface EncodedPart {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export type FromEncoder =
  /** A batch's slot was read (the batch is being encoded): the sender may reuse the slot. */
  | { type: 'ack'; job: number; slot: number }
  | { type: 'part-done'; job: number; part: EncodedPart }
  | { type: 'closed'; job: number }
  | { type: 'failed'; job: number; error: SerializedError }
  | { type: 'aborted'; job: number };

/** An error as it crosses the thread boundary (structured clone keeps no class or `code`). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
  data?: Record<string, unknown>;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & Partial<Record<'code' | 'data' | 'errno' | 'syscall' | 'path', unknown>>;
  const out: SerializedError = { name: x.name, message: x.message, stack: x.stack };
  for (const k of ['code', 'data', 'errno', 'syscall', 'path'] as const) if (x[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = x[k];
  return out;
}

const PARQUET_ERRORS: Record<string, new (message: string, data: Record<string, unknown>) => Error> = {
  ParquetFileError, ParquetSchemaError, ParquetValueError, ParquetWriterInternalError,
};

/** The error again, as the same class for this layer's errors, or an Error with the system fields (`code`, `path`, …). */
export function deserializeError(s: SerializedError): Error {
  const Known = PARQUET_ERRORS[s.name];
  const e = Known ? new Known(s.message, s.data ?? {}) : Object.assign(new Error(s.message), {
    ...(s.code !== undefined && { code: s.code }),
    ...(s.errno !== undefined && { errno: s.errno }),
    ...(s.syscall !== undefined && { syscall: s.syscall }),
    ...(s.path !== undefined && { path: s.path }),
  });
  if (!Known && s.name !== 'Error') e.name = s.name;
  if (s.stack) e.stack = `${s.stack}\n    (in the Parquet encoding thread)`;
  return e;
}
