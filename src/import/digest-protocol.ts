/** Messages between the digest pool and its workers. */
import type { ColumnShape } from '../values/kinds.js';

export interface DigestTask {
  id: number;
  file: string;
  columns: ColumnShape[];
  rowGroups: number[];
}

export type DigestReply =
  | { id: number; rows: number; digests: Uint8Array }
  | { id: number; error: string };
