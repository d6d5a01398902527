/**
 * Element order of n-d arrays: DataJoint writes Fortran (column-major) order, NumPy files and
 * most readers want C (row-major) order.
 *
 * Elements are moved as raw 8/16/32-bit words, never as JS numbers, so NaN payloads and
 * -0 survive bit for bit.
 */
import type { TypedArray } from './dtypes.js';

export type Order = 'C' | 'F';

/** Number of elements of a shape (1 for a 0-d shape). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when C and F order lay the elements out identically (at most one axis longer than 1). */
export function orderIsIrrelevant(shape: readonly number[]): boolean {
  let long = 0;
  for (const d of shape) {
    if (d === 0) return true;
    if (d > 1) long++;
  }
  return long <= 1;
}

/** The raw bytes of a typed array (a view, no copy). */
export function bytesOf(a: TypedArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Reorders `src` (elements of `itemSize` bytes laid out in order `from` for `shape`) into the
 * other order. Returns a new byte array; `src` is untouched.
 */
export function reorderBytes(src: Uint8Array, shape: readonly number[], itemSize: number, from: Order): Uint8Array {
  const n = elementCount(shape);
  if (src.byteLength !== n * itemSize) throw new RangeError(`expected ${n * itemSize} bytes, got ${src.byteLength}`);
  if (orderIsIrrelevant(shape)) return src.slice();
  // Iterating the destination sequentially: F→C walks the last axis fastest over F strides;
  // C→F is the same walk on the reversed shape with reversed C strides.
  const dims = from === 'F' ? [...shape] : [...shape].reverse();
  const stridesNatural = new Array<number>(shape.length);
  if (from === 'F') {
    let s = 1;
    for (let k = 0; k < shape.length; k++) { stridesNatural[k] = s; s *= shape[k]; }
  } else {
    let s = 1;
    for (let k = shape.length - 1; k >= 0; k--) { stridesNatural[k] = s; s *= shape[k]; }
  }
  const strides = from === 'F' ? stridesNatural : stridesNatural.reverse();
  const wordSize = itemSize % 4 === 0 ? 4 : itemSize % 2 === 0 ? 2 : 1;
  const words = itemSize / wordSize;
  const out = new Uint8Array(src.byteLength);
  const aligned = src.byteOffset % wordSize === 0 ? src : src.slice();
  const s = wordView(aligned, wordSize);
  const d = wordView(out, wordSize);
  walkC(dims, strides, (dstIndex, srcIndex, runLength, srcStride) => {
    let di = dstIndex * words;
    let si = srcIndex * words;
    const step = srcStride * words;
    if (words === 1) {
      for (let r = 0; r < runLength; r++, si += step) d[di++] = s[si];
    } else {
      for (let r = 0; r < runLength; r++, si += step) for (let w = 0; w < words; w++) d[di++] = s[si + w];
    }
  });
  return out;
}

function wordView(b: Uint8Array, wordSize: number): Uint8Array | Uint16Array | Uint32Array {
  if (wordSize === 4) return new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  if (wordSize === 2) return new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
  return b;
}

/**
 * Visits the elements of `dims` in C order, in runs along the last axis:
 * `visit(dstIndex, srcIndexOfRunStart, runLength, srcStrideAlongLastAxis)`.
 */
function walkC(
  dims: readonly number[],
  strides: readonly number[],
  visit: (dstIndex: number, srcIndex: number, runLength: number, srcStride: number) => void,
): void {
  const nd = dims.length;
  const last = nd - 1;
  const run = dims[last];
  const total = elementCount(dims);
  const idx = new Array<number>(nd).fill(0);
  let srcBase = 0;
  for (let dst = 0; dst < total; dst += run) {
    visit(dst, srcBase, run, strides[last]);
    // advance the odometer over axes last-1 … 0
    for (let k = last - 1; k >= 0; k--) {
      idx[k]++;
      srcBase += strides[k];
      if (idx[k] < dims[k]) break;
      srcBase -= strides[k] * dims[k];
      idx[k] = 0;
    }
  }
}

/** Reorders a list (e.g. cell or object-array elements) from one order to the other. */
export function reorderItems<T>(items: readonly T[], shape: readonly number[], from: Order): T[] {
  const n = elementCount(shape);
  if (items.length !== n) throw new RangeError(`expected ${n} items, got ${items.length}`);
  if (orderIsIrrelevant(shape)) return items.slice();
  const dims = from === 'F' ? [...shape] : [...shape].reverse();
  const strides: number[] = [];
  let s = 1;
  if (from === 'F') for (let k = 0; k < shape.length; k++) { strides[k] = s; s *= shape[k]; }
  else {
    for (let k = shape.length - 1; k >= 0; k--) { strides[k] = s; s *= shape[k]; }
    strides.reverse();
  }
  const out = new Array<T>(n);
  walkC(dims, strides, (dst, src, len, stride) => {
    for (let r = 0; r < len; r++) out[dst + r] = items[src + r * stride];
  });
  return out;
}
