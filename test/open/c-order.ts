/**
 * Test-side reordering, independent of src/blob/order.ts: the bytes NumPy holds for a decoded
 * numeric array in C order (complex parts interleaved), computed element by element from the
 * multi-index, for comparison with `.npy` data.
 */
import type { NumericArray } from '../../src/blob/index.js';

function view(t: ArrayBufferView): Uint8Array {
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

export function cOrderBytesOf(a: NumericArray): Uint8Array {
  const n = a.shape.reduce((x, y) => x * y, 1);
  const size = a.data.BYTES_PER_ELEMENT;
  const parts = a.imag ? [view(a.data), view(a.imag)] : [view(a.data)];
  const out = new Uint8Array(n * size * parts.length);
  const nd = a.shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let c = 0; c < n; c++) {
    // c is the C-order position of multi-index idx; find the stored position
    let stored = 0;
    if (a.order === 'F') {
      for (let k = nd - 1; k >= 0; k--) stored = stored * a.shape[k] + idx[k];
    } else {
      for (let k = 0; k < nd; k++) stored = stored * a.shape[k] + idx[k];
    }
    parts.forEach((p, j) => out.set(p.subarray(stored * size, (stored + 1) * size), (c * parts.length + j) * size));
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < a.shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}
