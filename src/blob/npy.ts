/**
 * NumPy views of decoded arrays: `.npy` files (format 1.0, or 2.0 when the header needs it)
 * written exactly as `numpy.save` writes them, and the canonical array hash DataJoint's
 * harness digest uses (`class + dtype.str + shape + sha256 of C-order bytes`).
 */
import { createHash } from 'node:crypto';
import { type NumericDtype, isComplexDtype, numpyDescr } from './dtypes.js';
import { BlobEncodeError } from './errors.js';
import { type NumericArray, cOrderBytes, storedDtypeOf, withOrder } from './model.js';
import { bytesOf, elementCount } from './order.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
/** numpy leaves room in the header so the first axis can grow to 21 digits in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** NumPy's `dtype.str` of the array's values (complex arrays with integer parts read as complex128). */
export function npyDescr(a: NumericArray): string {
  if (a.dtype === 'char') {
    throw new BlobEncodeError('char arrays have no fixed NumPy dtype (DataJoint reads them as str); use the JSON view');
  }
  return numpyDescr(a.dtype as Exclude<NumericDtype, 'char'>);
}

function pyTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** The `.npy` header (magic, version, length, dict, padding, newline) for a C-order array. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pyTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const hlen = dict.length + 1; // + '\n'
  let version = 1;
  let lenBytes = 2;
  let pad = ARRAY_ALIGN - ((8 + lenBytes + hlen) % ARRAY_ALIGN);
  if (hlen + pad > 0xffff) {
    version = 2;
    lenBytes = 4;
    pad = ARRAY_ALIGN - ((8 + lenBytes + hlen) % ARRAY_ALIGN);
  }
  const out = new Uint8Array(8 + lenBytes + hlen + pad);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const v = new DataView(out.buffer);
  if (lenBytes === 2) v.setUint16(8, hlen + pad, true);
  else v.setUint32(8, hlen + pad, true);
  let o = 8 + lenBytes;
  for (let i = 0; i < dict.length; i++) out[o++] = dict.charCodeAt(i); // ASCII only
  out.fill(0x20, o, o + pad);
  out[o + pad] = 0x0a;
  return out;
}

/** The array's values as NumPy holds them in C order (complex with integer parts widened to complex128). */
function numpyCBytes(a: NumericArray): Uint8Array {
  const part = storedDtypeOf(a);
  if (isComplexDtype(a.dtype) && part !== 'float32' && part !== 'float64') {
    const c = withOrder(a, 'C');
    const n = elementCount(c.shape);
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      out[2 * i] = Number(c.data[i]);
      out[2 * i + 1] = Number((c.imag as NumericArray['data'])[i]);
    }
    return bytesOf(out);
  }
  return cOrderBytes(a);
}

/**
 * A complete `.npy` file for a numeric, bool, complex or datetime64 array, data in C order,
 * byte-identical to `numpy.save(f, array)` of the array DataJoint decodes.
 */
export function arrayToNpy(a: NumericArray): Uint8Array {
  const header = npyHeader(npyDescr(a), a.shape);
  const data = numpyCBytes(a);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}

export interface CanonicalArrayHash {
  /** NumPy `dtype.str`, e.g. `<f8`, `|b1`, `<M8[ns]`, `<U5`. */
  dtype: string;
  shape: number[];
  /** hex SHA-256 of the C-order bytes. */
  sha256: string;
}

/**
 * The hash of a numeric array as DataJoint's harness digest computes it on the array DataJoint
 * decodes: `dtype.str`, shape and SHA-256 of `np.ascontiguousarray(a).tobytes()`.
 * Char arrays are hashed as DataJoint turns them into `<U…` strings (row vectors become one
 * string of shape (1,)); DataJoint refuses chars above 0x7F, and so does this function.
 */
export function canonicalArrayHash(a: NumericArray): CanonicalArrayHash {
  if (a.dtype === 'char') return charArrayHash(a);
  return { dtype: npyDescr(a), shape: [...a.shape], sha256: sha256Hex(numpyCBytes(a)) };
}

function charArrayHash(a: NumericArray): CanonicalArrayHash {
  const f = withOrder(a, 'F').data as Uint16Array;
  const low = new Uint32Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const c = f[i] & 0xff;
    if (c > 0x7f) {
      throw new BlobEncodeError(`char array holds byte 0x${c.toString(16)}, which DataJoint cannot decode (ASCII only)`);
    }
    low[i] = c;
  }
  const nd = a.shape.length;
  if (nd === 1 || (nd === 2 && a.shape[0] === 1)) {
    // DataJoint joins the characters into one str; NumPy drops NUL characters of U1 elements
    const text = Array.from(low).filter((c) => c !== 0);
    const width = Math.max(1, text.length);
    const ucs4 = new Uint32Array(width);
    ucs4.set(text);
    return { dtype: `<U${width}`, shape: [1], sha256: sha256Hex(bytesOf(ucs4)) };
  }
  const c = withOrder({ ...a, dtype: 'uint32', data: low }, 'C');
  return { dtype: '<U1', shape: [...a.shape], sha256: sha256Hex(bytesOf(c.data)) };
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
