/**
 * One Arrow RecordBatch -> canonical rows, reading the Arrow buffers directly (Vector.get
 * would turn int64 timestamps into lossy numbers and is slower).
 */
import * as arrow from 'apache-arrow';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { formatDecimal } from './decimal-text.js';
import { ParquetFileError } from './errors.js';

const TWO_32 = 4294967296;

/** Whether slot `i` of an Arrow array is set (not NULL). */
export function isValid(bitmap: Uint8Array | null | undefined, nullCount: number, i: number): boolean {
  if (!bitmap || bitmap.length === 0 || nullCount === 0) return true;
  return (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
}

/** The Decimal128 at word `o` of `w` as text with `scale` digits after the point. */
export function decimalText(w: Uint32Array, o: number, scale: number): string {
  const w0 = w[o];
  const w1 = w[o + 1];
  const w2 = w[o + 2];
  const w3 = w[o + 3];
  // Fast paths while the magnitude stays below 2^53 (exact as a number).
  if (w3 === 0 && w2 === 0 && w1 < 0x200000) {
    const m = w1 * TWO_32 + w0;
    return formatDecimal(false, String(m), scale);
  }
  if (w3 === 0xffffffff && w2 === 0xffffffff && w1 >= 0xffe00000) {
    const m = (~w1 >>> 0) * TWO_32 + (~w0 >>> 0) + 1;
    return formatDecimal(true, String(m), scale);
  }
  let b = (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(w0);
  const negative = (w3 & 0x80000000) !== 0;
  if (negative) b = (1n << 128n) - b;
  return formatDecimal(negative, b.toString(), scale);
}

/**
 * Writes column `c` of `data` into `rows[*][c]`; `views`: see decodeBatch. A sliced array
 * (`offset` > 0, from Arrow JS's slice) has its values and value offsets sliced already; only
 * the validity bitmap and boolean bits are read from `offset` on.
 */
function decodeColumn(shape: ColumnShape, data: arrow.Data, c: number, rows: CValue[][], views: boolean): void {
  const n = data.length;
  const off = data.offset;
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  const nulls = data.nullCount;
  const valid = (i: number): boolean => isValid(bitmap, nulls, off + i);
  switch (shape.kind) {
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32':
    case 'float32': case 'float64': case 'date': {
      const v = data.values as Int32Array;
      for (let i = 0; i < n; i++) rows[i][c] = valid(i) ? v[i] : null;
      return;
    }
    case 'int64': case 'uint64': case 'datetime': case 'time': {
      const v = data.values as BigInt64Array;
      for (let i = 0; i < n; i++) rows[i][c] = valid(i) ? v[i] : null;
      return;
    }
    case 'bool': {
      const v = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = off + i;
        rows[i][c] = valid(i) ? (v[j >> 3] & (1 << (j & 7))) !== 0 : null;
      }
      return;
    }
    case 'uuid': {
      const v = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const at = i * 16;
        rows[i][c] = valid(i) ? (views ? v.subarray(at, at + 16) : v.slice(at, at + 16)) : null;
      }
      return;
    }
    case 'bytes': {
      const o = data.valueOffsets as Int32Array;
      const v = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        rows[i][c] = valid(i) ? (views ? v.subarray(o[i], o[i + 1]) : v.slice(o[i], o[i + 1])) : null;
      }
      return;
    }
    case 'string': case 'json': case 'text': case 'decimal': {
      if (data.type instanceof arrow.Decimal) {
        const w = data.values as Uint32Array;
        const scale = shape.scale as number;
        for (let i = 0; i < n; i++) rows[i][c] = valid(i) ? decimalText(w, i * 4, scale) : null;
        return;
      }
      const o = data.valueOffsets as Int32Array;
      const v = data.values as Uint8Array;
      const buf = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      for (let i = 0; i < n; i++) rows[i][c] = valid(i) ? buf.toString('utf8', o[i], o[i + 1]) : null;
      return;
    }
  }
}

/**
 * The rows of `batch`. Bytes and uuid values are copies by default, so a kept value does not
 * pin the batch's buffer (megabytes); with `views` they are views of it, which saves an
 * allocation per value (and freeing it) for callers that do not keep values.
 */
export function decodeBatch(columns: readonly ColumnShape[], batch: arrow.RecordBatch, views = false): CValue[][] {
  const n = batch.numRows;
  const width = columns.length;
  if (batch.numCols !== width) {
    throw new ParquetFileError(`A batch has ${batch.numCols} columns, the schema ${width}.`);
  }
  const rows: CValue[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = new Array(width);
  for (let c = 0; c < width; c++) {
    const child = batch.data.children[c];
    decodeColumn(columns[c], child, c, rows, views);
  }
  return rows;
}
