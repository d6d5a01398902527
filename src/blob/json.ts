/**
 * A JSON view of decoded blobs (formats/blob.md §JSON view): every node is an object with a
 * `type`, arrays are listed in C order, and nothing is rounded: integers beyond 2^53 become
 * strings, non-finite floats and -0 become strings, bytes become base64.
 */
import { isComplexDtype, isDatetimeDtype } from './dtypes.js';
import { type BlobValue, type NumericArray, uuidToString, withOrder } from './model.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonNode = { type: string; [key: string]: JsonValue };

/** Where a node sits in the value: dict entries are `[index, 'key' | 'value']`, others an index or field name. */
export type JsonPath = (string | number)[];

export interface JsonViewOptions {
  /**
   * Called for every numeric, bool, complex or datetime64 array (not char, not object).
   * Return a reference (e.g. the relative path of a `.npy` written with arrayToNpy) to put
   * `"npy": <reference>` in place of the inline `data`, or undefined to inline the values.
   */
  externalArray?: (array: NumericArray, path: JsonPath) => string | undefined;
}

/** The JSON view of a decoded value (see formats/blob.md for every node). */
export function toJsonView(value: BlobValue, options: JsonViewOptions = {}): JsonNode {
  return node(value, [], options);
}

function node(v: BlobValue, path: JsonPath, o: JsonViewOptions): JsonNode {
  const at = (k: string | number): JsonPath => [...path, k];
  switch (v.type) {
    case 'none': return { type: 'none' };
    case 'bool': return { type: 'bool', value: v.value };
    case 'int': return { type: 'int', value: exactInt(v.value) };
    case 'float': return { type: 'float', value: jsonFloat(v.value) };
    case 'complex': return { type: 'complex', re: jsonFloat(v.re), im: jsonFloat(v.im) };
    case 'str': return { type: 'str', value: v.value };
    case 'bytes': return { type: 'bytes', base64: Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64') };
    case 'decimal': return { type: 'decimal', value: v.value };
    case 'date': return { type: 'date', value: isoDate(v) };
    case 'time': return { type: 'time', value: isoTime(v) };
    case 'datetime': return { type: 'datetime', value: `${isoDate(v)}T${isoTime(v)}` };
    case 'uuid': return { type: 'uuid', value: uuidToString(v) };
    case 'list': case 'tuple': case 'set':
      return { type: v.type, items: v.items.map((x, i) => node(x, at(i), o)) };
    case 'dict':
      return {
        type: 'dict',
        items: v.entries.map(([k, x], i) => [node(k, [...path, i, 'key'], o), node(x, [...path, i, 'value'], o)]),
      };
    case 'record':
      return { type: 'record', fields: v.fields.map((f) => ({ name: f.name, value: node(f.value, at(f.name), o) })) };
    case 'cell': {
      const c = withOrder(v, 'C');
      return { type: 'cell', shape: c.shape, order: 'C', items: c.items.map((x, i) => node(x, at(i), o)) };
    }
    case 'struct': {
      const s = withOrder(v, 'C');
      return {
        type: 'struct', shape: s.shape, order: 'C', fields: s.fields,
        elements: s.elements.map((row, i) => row.map((x, j) => node(x, [...path, i, s.fields[j]], o))),
      };
    }
    case 'array': {
      if (v.dtype === 'object') {
        const c = withOrder(v, 'C');
        return { type: 'array', dtype: 'object', shape: c.shape, order: 'C', items: c.data.map((x, i) => node(x, at(i), o)) };
      }
      return numericNode(v, path, o);
    }
  }
}

function numericNode(a: NumericArray, path: JsonPath, o: JsonViewOptions): JsonNode {
  const head = { type: 'array', dtype: a.dtype, shape: a.shape, order: 'C' };
  if (a.dtype !== 'char') {
    const ref = o.externalArray?.(a, path);
    if (ref !== undefined) return { ...head, npy: ref };
  }
  const c = withOrder(a, 'C');
  const n = c.data.length;
  const data = new Array<JsonValue>(n);
  if (a.dtype === 'char') {
    const units = c.data as Uint16Array;
    for (let i = 0; i < n; i++) data[i] = units[i];
    let text = '';
    for (let i = 0; i < n; i += 8192) text += String.fromCharCode(...units.subarray(i, i + 8192));
    return { ...head, data, text };
  }
  if (a.dtype === 'bool') {
    for (let i = 0; i < n; i++) data[i] = c.data[i] !== 0;
  } else if (isComplexDtype(a.dtype)) {
    const im = c.imag as NumericArray['data'];
    for (let i = 0; i < n; i++) data[i] = [scalar(c.data[i]), scalar(im[i])];
  } else if (isDatetimeDtype(a.dtype)) {
    const d = c.data as BigInt64Array;
    for (let i = 0; i < n; i++) data[i] = d[i] === NAT ? null : exactInt(d[i]);
  } else {
    for (let i = 0; i < n; i++) data[i] = scalar(c.data[i]);
  }
  return { ...head, data };
}

const NAT = -(2n ** 63n);

function scalar(x: number | bigint): JsonValue {
  return typeof x === 'bigint' ? exactInt(x) : jsonFloat(x);
}

/** A number when JSON readers keep it exact, else its decimal text. */
function exactInt(x: bigint): number | string {
  return x >= -(2n ** 53n) + 1n && x <= 2n ** 53n - 1n ? Number(x) : x.toString();
}

/** A number, or "NaN" / "Infinity" / "-Infinity" / "-0", which JSON numbers cannot carry. */
function jsonFloat(x: number): number | string {
  if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Python's date.isoformat(). */
function isoDate(d: { year: number; month: number; day: number }): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** Python's time.isoformat(): microseconds only when non-zero. */
function isoTime(t: { hour: number; minute: number; second: number; microsecond: number }): string {
  const base = `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
  return t.microsecond ? `${base}.${pad(t.microsecond, 6)}` : base;
}
