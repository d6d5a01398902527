/**
 * The typed value model of a decoded DataJoint blob.
 *
 * Every node is one wire item (formats/blob.md), so decoding and re-encoding loses nothing:
 * arrays keep their stored dtype, shape and element order, integers stay exact (bigint,
 * BigInt64Array), dict entries keep their order and may have any key, sets keep the order in
 * which they were stored. Python-only items (dj0 protocol) and MATLAB items (mYm) share one
 * union; `type` says which.
 */
import {
  type ComplexDtype, type DatetimeDtype, type NumericDtype, type RealDtype, type StoredDtype, type TypedArray,
  isComplexDtype, isDatetimeDtype, storedItemSize, typedArrayClassOf,
} from './dtypes.js';
import { type Order, bytesOf, elementCount, reorderBytes, reorderItems } from './order.js';

export type { Order } from './order.js';

/**
 * `A` item with fixed-size elements: bool, char, integers, floats, complex, datetime64.
 * `data` holds the elements in `order` (the decoder always gives 'F', DataJoint's layout).
 * - bool: Uint8Array of the stored bytes (0/1); char: Uint16Array of UTF-16 code units;
 *   int64/uint64/datetime64: BigInt64Array/BigUint64Array (exact; NaT = -2^63).
 * - complex: `data` = real parts, `imag` = imaginary parts, both of `partDtype`
 *   (float64 for complex128, float32 for complex64; MATLAB can also store integer parts,
 *   which NumPy reads as complex128).
 * Decoded small arrays are views into a shared slab: always respect `byteOffset`/`byteLength`
 * (e.g. use `new Uint8Array(data.buffer, data.byteOffset, data.byteLength)`), never `data.buffer` whole.
 */
export interface NumericArray {
  type: 'array';
  dtype: NumericDtype;
  shape: number[];
  order: Order;
  data: TypedArray;
  imag?: TypedArray;
  partDtype?: RealDtype;
}

/** `A` item of type id 5 (NumPy object or unicode arrays): one nested value per element. */
export interface ObjectArray {
  type: 'array';
  dtype: 'object';
  shape: number[];
  order: Order;
  data: BlobValue[];
}

export type ArrayValue = NumericArray | ObjectArray;

/** `S` item: MATLAB struct array. `elements[i][j]` = value of field `fields[j]` of element i. */
export interface StructArray {
  type: 'struct';
  shape: number[];
  order: Order;
  fields: string[];
  elements: BlobValue[][];
}

/** `C` item: MATLAB cell array, one value per element. */
export interface CellArray {
  type: 'cell';
  shape: number[];
  order: Order;
  items: BlobValue[];
}

/** `F` item: NumPy array with named fields (record array); each field is itself an item, normally an array. */
export interface RecordArray {
  type: 'record';
  fields: { name: string; value: BlobValue }[];
}

export interface NoneValue { type: 'none' }
export interface BoolValue { type: 'bool'; value: boolean }
/** Python int of any size. */
export interface IntValue { type: 'int'; value: bigint }
export interface FloatValue { type: 'float'; value: number }
export interface ComplexValue { type: 'complex'; re: number; im: number }
export interface StrValue { type: 'str'; value: string }
export interface BytesValue { type: 'bytes'; value: Uint8Array }
export interface SequenceValue { type: 'list' | 'tuple' | 'set'; items: BlobValue[] }
/** Python dict: entries in stored order; keys may be any value (as in Python, hashable ones). */
export interface DictValue { type: 'dict'; entries: [BlobValue, BlobValue][] }
/** decimal.Decimal, as the exact text `str(Decimal)` stored. */
export interface DecimalValue { type: 'decimal'; value: string }
export interface DateValue { type: 'date'; year: number; month: number; day: number }
export interface TimeValue { type: 'time'; hour: number; minute: number; second: number; microsecond: number }
export interface DateTimeValue {
  type: 'datetime';
  year: number; month: number; day: number;
  hour: number; minute: number; second: number; microsecond: number;
}
/** uuid.UUID: the 16 bytes in RFC 4122 order. */
export interface UuidValue { type: 'uuid'; bytes: Uint8Array }

export type BlobValue =
  | NumericArray | ObjectArray | StructArray | CellArray | RecordArray
  | NoneValue | BoolValue | IntValue | FloatValue | ComplexValue | StrValue | BytesValue
  | SequenceValue | DictValue | DecimalValue | DateValue | TimeValue | DateTimeValue | UuidValue;

export type BlobValueType = BlobValue['type'];

// ------------------------------------------------------------------ constructors

export const none = (): NoneValue => ({ type: 'none' });
export const bool = (value: boolean): BoolValue => ({ type: 'bool', value });
export const int = (value: bigint | number): IntValue => {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`int(${value}): pass a bigint`);
  return { type: 'int', value: BigInt(value) };
};
export const float = (value: number): FloatValue => ({ type: 'float', value });
export const complex = (re: number, im: number): ComplexValue => ({ type: 'complex', re, im });
export const str = (value: string): StrValue => ({ type: 'str', value });
export const bytes = (value: Uint8Array): BytesValue => ({ type: 'bytes', value });
export const list = (items: BlobValue[]): SequenceValue => ({ type: 'list', items });
export const tuple = (items: BlobValue[]): SequenceValue => ({ type: 'tuple', items });
export const set = (items: BlobValue[]): SequenceValue => ({ type: 'set', items });
export const dict = (entries: [BlobValue, BlobValue][]): DictValue => ({ type: 'dict', entries });
export const decimal = (value: string): DecimalValue => ({ type: 'decimal', value });
export const date = (year: number, month: number, day: number): DateValue => ({ type: 'date', year, month, day });
export const time = (hour: number, minute: number, second: number, microsecond = 0): TimeValue =>
  ({ type: 'time', hour, minute, second, microsecond });
export const datetime = (
  year: number, month: number, day: number, hour = 0, minute = 0, second = 0, microsecond = 0,
): DateTimeValue => ({ type: 'datetime', year, month, day, hour, minute, second, microsecond });

/** A UUID from its canonical text (`12345678-1234-5678-1234-567812345678`) or 16 bytes. */
export function uuid(v: string | Uint8Array): UuidValue {
  if (typeof v !== 'string') {
    if (v.length !== 16) throw new RangeError('a UUID has 16 bytes');
    return { type: 'uuid', bytes: new Uint8Array(v) };
  }
  const hex = v.replace(/[-{}]/g, '').replace(/^urn:uuid:/i, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a UUID: ${v}`);
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { type: 'uuid', bytes: b };
}

export function uuidToString(u: UuidValue): string {
  const h = Array.from(u.bytes, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A numeric array. `data` (and `imag`) must be the typed array of the dtype
 * (see dtypes.typedArrayClassOf); order defaults to 'C', NumPy's default.
 */
export function ndarray(
  dtype: NumericDtype, shape: number[], data: TypedArray, order: Order = 'C', imag?: TypedArray,
): NumericArray {
  const a: NumericArray = { type: 'array', dtype, shape, order, data };
  if (isComplexDtype(dtype)) {
    a.partDtype = dtype === 'complex64' ? 'float32' : 'float64';
    a.imag = imag ?? new (typedArrayClassOf(a.partDtype))(data.length);
  }
  return a;
}

/** A char array holding `text` as a 1×n row (MATLAB's layout for a string; Latin-1 for DataJoint). */
export function charRow(text: string): NumericArray {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return { type: 'array', dtype: 'char', shape: [1, text.length], order: 'F', data: units };
}

export function objectArray(shape: number[], data: BlobValue[], order: Order = 'C'): ObjectArray {
  return { type: 'array', dtype: 'object', shape, order, data };
}

export function cell(shape: number[], items: BlobValue[], order: Order = 'F'): CellArray {
  return { type: 'cell', shape, order, items };
}

export function struct(shape: number[], fields: string[], elements: BlobValue[][], order: Order = 'F'): StructArray {
  return { type: 'struct', shape, order, fields, elements };
}

export function record(fields: { name: string; value: BlobValue }[]): RecordArray {
  return { type: 'record', fields };
}

// ------------------------------------------------------------------ array helpers

/** The dtype of the stored parts: the dtype itself, or `partDtype` for complex arrays. */
export function storedDtypeOf(a: NumericArray): StoredDtype {
  if (isComplexDtype(a.dtype)) return a.partDtype ?? (a.dtype === 'complex64' ? 'float32' : 'float64');
  return a.dtype as Exclude<NumericDtype, ComplexDtype>;
}

/** The same array with its elements (and `imag`) in the requested order; returns `a` if already so. */
export function withOrder<T extends NumericArray | ObjectArray | CellArray | StructArray>(a: T, order: Order): T {
  if (a.order === order) return a;
  if (a.type === 'cell') return { ...a, order, items: reorderItems(a.items, a.shape, a.order) };
  if (a.type === 'struct') return { ...a, order, elements: reorderItems(a.elements, a.shape, a.order) };
  if (a.dtype === 'object') return { ...a, order, data: reorderItems((a as ObjectArray).data, a.shape, a.order) };
  const n = a as NumericArray;
  const cls = typedArrayClassOf(storedDtypeOf(n));
  const size = storedItemSize(storedDtypeOf(n));
  const move = (t: TypedArray): TypedArray => {
    const b = reorderBytes(bytesOf(t), n.shape, size, n.order);
    return new cls(b.buffer, 0, b.byteLength / size);
  };
  return { ...n, order, data: move(n.data), ...(n.imag ? { imag: move(n.imag) } : {}) } as T;
}

/**
 * The elements as NumPy stores them in C order, little-endian: complex parts interleaved
 * (re, im), bool one byte, datetime64 int64. For `char` arrays: the UTF-16 code units.
 */
export function cOrderBytes(a: NumericArray): Uint8Array {
  const c = withOrder(a, 'C');
  const data = bytesOf(c.data);
  if (!c.imag) return c === a ? data.slice() : data;
  const size = storedItemSize(storedDtypeOf(c));
  const imag = bytesOf(c.imag);
  const n = elementCount(c.shape);
  const out = new Uint8Array(2 * n * size);
  for (let i = 0; i < n; i++) {
    out.set(data.subarray(i * size, (i + 1) * size), 2 * i * size);
    out.set(imag.subarray(i * size, (i + 1) * size), (2 * i + 1) * size);
  }
  return out;
}

/** The text of a char array read the way DataJoint reads it (low byte of each code unit), all elements in C order. */
export function charArrayText(a: NumericArray, mode: 'datajoint' | 'utf16' = 'datajoint'): string {
  if (a.dtype !== 'char') throw new TypeError(`not a char array: ${a.dtype}`);
  const units = withOrder(a, 'C').data as Uint16Array;
  let s = '';
  for (let i = 0; i < units.length; i += 8192) {
    const chunk = units.subarray(i, i + 8192);
    s += String.fromCharCode(...(mode === 'datajoint' ? chunk.map((u) => u & 0xff) : chunk));
  }
  return s;
}

/** True for arrays whose dtype is a datetime64 unit. */
export function isDatetimeArray(a: BlobValue): a is NumericArray & { dtype: DatetimeDtype } {
  return a.type === 'array' && isDatetimeDtype(a.dtype);
}

export function isComplexArray(a: BlobValue): a is NumericArray & { dtype: ComplexDtype } {
  return a.type === 'array' && isComplexDtype(a.dtype);
}

// ------------------------------------------------------------------ equality

export interface EqualOptions {
  /** Compare sets as multisets (Python semantics) instead of in stored order. Default true. */
  unorderedSets?: boolean;
}

/**
 * Structural equality of two values. Arrays compare by dtype, shape and element bits
 * (independent of their order field); floats compare by bits (NaN equals the same NaN).
 */
export function blobValuesEqual(a: BlobValue, b: BlobValue, options: EqualOptions = {}): boolean {
  const unorderedSets = options.unorderedSets ?? true;
  const eq = (x: BlobValue, y: BlobValue): boolean => blobValuesEqual(x, y, options);
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'none': return true;
    case 'bool': case 'int': case 'str': case 'decimal':
      return a.value === (b as typeof a).value;
    case 'float': return sameFloat(a.value, (b as typeof a).value);
    case 'complex': return sameFloat(a.re, (b as typeof a).re) && sameFloat(a.im, (b as typeof a).im);
    case 'bytes': return sameBytes(a.value, (b as typeof a).value);
    case 'uuid': return sameBytes(a.bytes, (b as typeof a).bytes);
    case 'date': case 'time': case 'datetime': {
      const o = b as unknown as Record<string, unknown>;
      return Object.entries(a).every(([k, v]) => o[k] === v);
    }
    case 'list': case 'tuple': case 'set': {
      const y = (b as typeof a).items;
      if (a.items.length !== y.length) return false;
      if (a.type === 'set' && unorderedSets) {
        const used = new Array<boolean>(y.length).fill(false);
        return a.items.every((x) => {
          const j = y.findIndex((v, k) => !used[k] && eq(x, v));
          if (j < 0) return false;
          used[j] = true;
          return true;
        });
      }
      return a.items.every((x, i) => eq(x, y[i]));
    }
    case 'dict': {
      const y = (b as typeof a).entries;
      return a.entries.length === y.length && a.entries.every(([k, v], i) => eq(k, y[i][0]) && eq(v, y[i][1]));
    }
    case 'record': {
      const y = (b as typeof a).fields;
      return a.fields.length === y.length && a.fields.every((f, i) => f.name === y[i].name && eq(f.value, y[i].value));
    }
    case 'cell': {
      const y = b as typeof a;
      if (!sameShape(a.shape, y.shape)) return false;
      const xi = withOrder(a, 'F').items;
      const yi = withOrder(y, 'F').items;
      return xi.every((v, i) => eq(v, yi[i]));
    }
    case 'struct': {
      const y = b as typeof a;
      if (!sameShape(a.shape, y.shape) || a.fields.join('\0') !== y.fields.join('\0')) return false;
      const xe = withOrder(a, 'F').elements;
      const ye = withOrder(y, 'F').elements;
      return xe.every((row, i) => row.length === ye[i].length && row.every((v, j) => eq(v, ye[i][j])));
    }
    case 'array': {
      const y = b as ArrayValue;
      if (a.dtype !== y.dtype || !sameShape(a.shape, y.shape)) return false;
      if (a.dtype === 'object') {
        const xd = withOrder(a, 'F').data;
        const yd = withOrder(y as ObjectArray, 'F').data;
        return xd.every((v, i) => eq(v, yd[i]));
      }
      const x = withOrder(a, 'F');
      const z = withOrder(y as NumericArray, 'F');
      if (storedDtypeOf(x) !== storedDtypeOf(z)) return false;
      if (!sameBytes(bytesOf(x.data), bytesOf(z.data))) return false;
      return !x.imag || (z.imag !== undefined && sameBytes(bytesOf(x.imag), bytesOf(z.imag)));
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

const f64 = new Float64Array(1);
const f64Bits = new BigUint64Array(f64.buffer);
function sameFloat(a: number, b: number): boolean {
  f64[0] = a;
  const x = f64Bits[0];
  f64[0] = b;
  return x === f64Bits[0];
}
