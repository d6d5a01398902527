/**
 * Encoder producing DataJoint's exact blob bytes (formats/blob.md §Encoding): items in
 * DataJoint's layout, the protocol chosen by DataJoint's global rule, and `ZL123\0`
 * compression with pako, whose deflate reproduces Python's zlib level 6 byte for byte
 * (Node's zlib is a fork that emits different, equally valid streams).
 */
import pako from 'pako';
import {
  type StoredDtype, isComplexDtype, isDatetimeDtype, isNumericDtype, isRealDtype,
  typeIdOf, typedArrayClassOf,
} from './dtypes.js';
import { BlobEncodeError } from './errors.js';
import type { BlobValue, NumericArray, ObjectArray } from './model.js';
import { storedDtypeOf, withOrder } from './model.js';
import { bytesOf, elementCount } from './order.js';
import { COMPRESSED_HEADER_LENGTH, DEFAULT_MAX_DEPTH, type BlobProtocol } from './decode.js';

export interface EncodeOptions {
  /**
   * Compress like DataJoint's `pack(obj, compress=True)` (what `<blob>` and `<blob@store>` use):
   * only when the plain blob exceeds 1000 bytes and the result is strictly shorter. Default true.
   */
  compress?: boolean;
  /** 'auto' (default) applies DataJoint's rule; forcing a protocol is for re-creating foreign bytes. */
  protocol?: 'auto' | BlobProtocol;
  /** Deepest nesting accepted (guards against cyclic values). Default 1000. */
  maxDepth?: number;
}

/** Threshold above which DataJoint tries compression (`len(blob) > 1000`). */
export const COMPRESSION_THRESHOLD = 1000;

const PROTOCOL_BYTES: Record<BlobProtocol, readonly number[]> = {
  mYm: [0x6d, 0x59, 0x6d, 0x00],
  dj0: [0x64, 0x6a, 0x30, 0x00],
};

/** Encodes a value into the bytes DataJoint's `blob.pack(value, compress=True)` writes. */
export function encodeBlob(value: BlobValue, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(Math.max(64, estimateSize(value)), options.maxDepth ?? DEFAULT_MAX_DEPTH);
  w.pos = 4;
  w.item(value, 0);
  const protocol = options.protocol && options.protocol !== 'auto' ? options.protocol : w.dj0 ? 'dj0' : 'mYm';
  w.buf.set(PROTOCOL_BYTES[protocol], 0);
  const plain = w.result();
  if ((options.compress ?? true) && plain.length > COMPRESSION_THRESHOLD) {
    const deflated = pako.deflate(plain, { level: 6 });
    if (COMPRESSED_HEADER_LENGTH + deflated.length < plain.length) {
      const out = new Uint8Array(COMPRESSED_HEADER_LENGTH + deflated.length);
      out.set([0x5a, 0x4c, 0x31, 0x32, 0x33, 0x00], 0);
      const v = new DataView(out.buffer);
      v.setUint32(6, plain.length % 2 ** 32, true);
      v.setUint32(10, Math.floor(plain.length / 2 ** 32), true);
      out.set(deflated, COMPRESSED_HEADER_LENGTH);
      return out;
    }
  }
  return plain;
}

/** Byte size of a big array payload, to allocate the output once for the common single-array blob. */
function estimateSize(v: BlobValue): number {
  if (v.type === 'array' && v.dtype !== 'object') return 64 + 8 * v.shape.length + v.data.byteLength * (v.imag ? 2 : 1);
  return 4096;
}

const utf8 = new TextEncoder();

class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  /** Set as soon as any item needs DataJoint's dj0 protocol (the switch is global). */
  dj0 = false;
  readonly maxDepth: number;

  constructor(capacity: number, maxDepth: number) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
    this.maxDepth = maxDepth;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  result(): Uint8Array {
    // hand back a right-sized copy only when the spare capacity is worth reclaiming
    return this.buf.length - this.pos > this.pos / 8 ? this.buf.slice(0, this.pos) : this.buf.subarray(0, this.pos);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  u64(v: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, v % 2 ** 32, true);
    this.view.setUint32(this.pos + 4, Math.floor(v / 2 ** 32), true);
    this.pos += 8;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** `u64 length` + item: reserve the length, write the item, patch the length in. */
  sub(v: BlobValue, depth: number): void {
    this.ensure(8);
    const at = this.pos;
    this.pos += 8;
    this.item(v, depth);
    const n = this.pos - at - 8;
    this.view.setUint32(at, n % 2 ** 32, true);
    this.view.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
  }

  shape(shape: readonly number[], what: string): void {
    this.u64(shape.length);
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw new BlobEncodeError(`${what} shape has an invalid dimension ${d}`, { shape });
      this.u64(d);
    }
  }

  item(v: BlobValue, depth: number): void {
    if (depth > this.maxDepth) throw new BlobEncodeError(`nesting deeper than ${this.maxDepth} levels (a cyclic value?)`);
    switch (v.type) {
      case 'array':
        if (v.dtype === 'object') return this.objectArray(v, depth);
        return this.numericArray(v);
      case 'cell': {
        const c = withOrder(v, 'F');
        if (c.items.length !== elementCount(c.shape)) {
          throw new BlobEncodeError(`cell of shape (${c.shape.join(', ')}) has ${c.items.length} items`);
        }
        this.u8(0x43);
        this.shape(c.shape, 'cell');
        for (const x of c.items) this.sub(x, depth + 1);
        return;
      }
      case 'struct': {
        const s = withOrder(v, 'F');
        if (s.elements.length !== elementCount(s.shape)) {
          throw new BlobEncodeError(`struct of shape (${s.shape.join(', ')}) has ${s.elements.length} elements`);
        }
        this.u8(0x53);
        this.shape(s.shape, 'struct');
        this.names(s.fields);
        for (const row of s.elements) {
          if (row.length !== s.fields.length) {
            throw new BlobEncodeError(`struct element has ${row.length} values for ${s.fields.length} fields`);
          }
          for (const x of row) this.sub(x, depth + 1);
        }
        return;
      }
      default:
        break;
    }
    // everything else exists only in DataJoint's dj0 protocol
    this.dj0 = true;
    switch (v.type) {
      case 'record':
        this.u8(0x46);
        this.names(v.fields.map((f) => f.name));
        for (const f of v.fields) this.item(f.value, depth + 1);
        return;
      case 'none': return this.u8(0xff);
      case 'list': case 'tuple': case 'set':
        this.u8(v.type === 'tuple' ? 0x01 : v.type === 'list' ? 0x02 : 0x03);
        this.u64(v.items.length);
        for (const x of v.items) this.sub(x, depth + 1);
        return;
      case 'dict':
        this.u8(0x04);
        this.u64(v.entries.length);
        for (const [k, x] of v.entries) {
          this.sub(k, depth + 1);
          this.sub(x, depth + 1);
        }
        return;
      case 'str':
        this.u8(0x05);
        return this.str(v.value);
      case 'bytes':
        this.u8(0x06);
        this.u64(v.value.length);
        return this.raw(v.value);
      case 'int': return this.pyInt(v.value);
      case 'bool':
        this.u8(0x0b);
        return this.u8(v.value ? 1 : 0);
      case 'complex':
        this.u8(0x0c);
        this.ensure(16);
        this.view.setFloat64(this.pos, v.re, true);
        this.view.setFloat64(this.pos + 8, v.im, true);
        this.pos += 16;
        return;
      case 'float':
        this.u8(0x0d);
        this.ensure(8);
        this.view.setFloat64(this.pos, v.value, true);
        this.pos += 8;
        return;
      case 'decimal': {
        if (!/^[\x20-\x7e]*$/.test(v.value)) throw new BlobEncodeError(`decimal text must be ASCII: ${JSON.stringify(v.value)}`);
        this.u8(0x64);
        this.u64(v.value.length);
        return this.raw(utf8.encode(v.value));
      }
      case 'date': return this.temporal(v.year, v.month, v.day, undefined);
      case 'time': return this.temporal(undefined, undefined, undefined, v);
      case 'datetime': return this.temporal(v.year, v.month, v.day, v);
      case 'uuid':
        if (v.bytes.length !== 16) throw new BlobEncodeError(`a UUID has 16 bytes, got ${v.bytes.length}`);
        this.u8(0x75);
        return this.raw(v.bytes);
    }
  }

  /** u64 byte length + UTF-8; ASCII is written in place, the rest goes through TextEncoder. */
  str(s: string): void {
    const n = s.length;
    this.ensure(8 + n);
    const start = this.pos + 8;
    const buf = this.buf;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        const b = encodeUtf8(s);
        this.u64(b.length);
        return this.raw(b);
      }
      buf[start + i] = c;
    }
    this.u64(n);
    this.pos += n;
  }

  /** Names joined by NUL plus a final NUL, as DataJoint writes them (a lone NUL for none). */
  names(names: readonly string[]): void {
    this.u32(names.length);
    for (const n of names) {
      const b = encodeUtf8(n);
      if (b.includes(0)) throw new BlobEncodeError(`field name ${JSON.stringify(n)} contains NUL`);
      this.raw(b);
      this.u8(0);
    }
    if (names.length === 0) this.u8(0);
  }

  numericArray(a: NumericArray): void {
    if (!isNumericDtype(a.dtype)) throw new BlobEncodeError(`unknown array dtype ${String(a.dtype)}`);
    const stored: StoredDtype = storedDtypeOf(a);
    const n = elementCount(a.shape);
    checkTyped(a.data, stored, n, 'data');
    const complex = isComplexDtype(a.dtype);
    if (complex) {
      if (!isRealDtype(stored)) throw new BlobEncodeError(`complex parts cannot be ${stored}`);
      if (!a.imag) throw new BlobEncodeError('complex array without imag');
      checkTyped(a.imag, stored, n, 'imag');
    }
    // DataJoint: datetime64 and 0-d numeric arrays need dj0; a 0-d char array stays mYm
    if (isDatetimeDtype(a.dtype) || (a.shape.length === 0 && a.dtype !== 'char')) this.dj0 = true;
    const f = withOrder(a, 'F');
    this.u8(0x41);
    this.shape(f.shape, 'array');
    this.u32(typeIdOf(stored));
    this.u32(complex ? 1 : 0);
    this.raw(bytesOf(f.data));
    if (complex && f.imag) this.raw(bytesOf(f.imag));
  }

  objectArray(a: ObjectArray, depth: number): void {
    const f = withOrder(a, 'F');
    if (f.data.length !== elementCount(f.shape)) {
      throw new BlobEncodeError(`object array of shape (${f.shape.join(', ')}) has ${f.data.length} elements`);
    }
    this.u8(0x41);
    this.shape(f.shape, 'array');
    this.u32(typeIdOf('object'));
    this.u32(0);
    for (const x of f.data) this.sub(x, depth + 1);
    this.dj0 = true;
  }

  /** Python int: u16 width + two's complement, width = bit_length // 8 + 1 (of |v|). */
  pyInt(v: bigint): void {
    if (v >= -0x7fn && v <= 0x7fn) {
      // one byte: bit_length <= 7 (note -128 has bit_length 8 and takes two bytes)
      this.ensure(4);
      this.buf[this.pos] = 0x0a;
      this.buf[this.pos + 1] = 1;
      this.buf[this.pos + 2] = 0;
      this.buf[this.pos + 3] = Number(v) & 0xff;
      this.pos += 4;
      return;
    }
    const mag = v < 0n ? -v : v;
    const bitLength = mag === 0n ? 0 : mag.toString(2).length;
    const width = Math.floor(bitLength / 8) + 1;
    if (width > 0xffff) throw new BlobEncodeError('integers are limited to 65535 bytes (DataJoint)');
    this.u8(0x0a);
    this.u16(width);
    this.ensure(width);
    const u = v < 0n ? (1n << BigInt(8 * width)) + v : v;
    if (width <= 6) {
      let x = Number(u);
      for (let i = 0; i < width; i++) { this.buf[this.pos++] = x % 256; x = Math.floor(x / 256); }
      return;
    }
    const hex = u.toString(16).padStart(2 * width, '0');
    for (let i = 0; i < width; i++) this.buf[this.pos + i] = parseInt(hex.slice(hex.length - 2 * (i + 1), hex.length - 2 * i), 16);
    this.pos += width;
  }

  temporal(
    year: number | undefined, month: number | undefined, day: number | undefined,
    t: { hour: number; minute: number; second: number; microsecond: number } | undefined,
  ): void {
    let d = -1;
    if (year !== undefined && month !== undefined && day !== undefined) {
      if (![year, month, day].every(Number.isInteger) || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
        throw new BlobEncodeError(`invalid date ${year}-${month}-${day}`);
      }
      d = (year * 100 + month) * 100 + day;
    }
    let tm = -1n;
    if (t) {
      const { hour, minute, second, microsecond } = t;
      if (![hour, minute, second, microsecond].every(Number.isInteger) || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 59 || microsecond < 0 || microsecond > 999_999) {
        throw new BlobEncodeError(`invalid time ${hour}:${minute}:${second}.${microsecond}`);
      }
      tm = BigInt((hour * 100 + minute) * 100 + second) * 1_000_000n + BigInt(microsecond);
    }
    this.u8(0x74);
    this.ensure(12);
    this.view.setInt32(this.pos, d, true);
    this.view.setBigInt64(this.pos + 4, tm, true);
    this.pos += 12;
  }
}

function checkTyped(t: NumericArray['data'], dtype: StoredDtype, n: number, what: string): void {
  const cls = typedArrayClassOf(dtype);
  if (!(t instanceof cls)) {
    throw new BlobEncodeError(`${dtype} array ${what} must be a ${cls.name}, got ${t?.constructor?.name ?? typeof t}`);
  }
  if (t.length !== n) throw new BlobEncodeError(`array ${what} has ${t.length} elements, its shape needs ${n}`);
}

/** UTF-8 like Python's `str.encode()`, which refuses lone surrogates (TextEncoder would replace them). */
function encodeUtf8(s: string): Uint8Array {
  if (/[\uD800-\uDFFF]/.test(s) && /(?:[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/.test(s)) {
    throw new BlobEncodeError('string contains a lone UTF-16 surrogate, which Python cannot encode as UTF-8');
  }
  return utf8.encode(s);
}
