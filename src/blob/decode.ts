/**
 * Decoder for DataJoint blobs (formats/blob.md): `ZL123\0` compression, `mYm\0`/`dj0\0`
 * protocols, every item code DataJoint 2.3 reads.
 *
 * Safety: every length, count and shape is checked against the bytes left in the enclosing
 * item before anything is allocated, so a lying length fails fast; the declared uncompressed
 * size is capped and inflate may not produce more than it declares; nesting depth is capped.
 */
import { inflateSync } from 'node:zlib';
import {
  type RealDtype, type StoredDtype, UNSUPPORTED_TYPE_IDS,
  dtypeOfTypeId, isRealDtype, storedItemSize, typedArrayClassOf,
} from './dtypes.js';
import { BlobFormatError, type BlobFormatReason } from './errors.js';
import type {
  BlobValue, CellArray, DictValue, NumericArray, ObjectArray, RecordArray, SequenceValue, StructArray,
} from './model.js';

export interface DecodeOptions {
  /**
   * Largest uncompressed size accepted for a `ZL123\0` blob, in bytes. The declared size is
   * checked before inflating (decompression-bomb guard). Default 2 GiB.
   */
  maxUncompressedBytes?: number;
  /** Deepest nesting accepted (stack guard). Default 1000; DataJoint itself stops near 330. */
  maxDepth?: number;
  /**
   * Read dimensions, counts and lengths as u32 instead of u64, like DataJoint's
   * `blob.use_32bit_dims` switch (blobs from 32-bit MATLAB mYm builds). Default false.
   */
  dims32?: boolean;
}

export type BlobProtocol = 'mYm' | 'dj0';

export interface DecodedBlob {
  value: BlobValue;
  protocol: BlobProtocol;
  /** True when the stored bytes were `ZL123\0`-compressed. */
  compressed: boolean;
  /** Length of the plain (uncompressed) blob, protocol header included. */
  plainLength: number;
}

export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3;
export const DEFAULT_MAX_DEPTH = 1000;

const ZL123 = [0x5a, 0x4c, 0x31, 0x32, 0x33, 0x00];
/** `ZL123\0` + u64 length. */
export const COMPRESSED_HEADER_LENGTH = 14;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // Array data are copied straight into typed arrays, which use the host byte order.
  throw new Error('dj-snapshot blob codec requires a little-endian host');
}

/** Decodes a stored DataJoint blob into the value model. Throws BlobFormatError on bad input. */
export function decodeBlob(bytes: Uint8Array, options: DecodeOptions = {}): BlobValue {
  return decodeBlobDetailed(bytes, options).value;
}

/** Like decodeBlob, also telling the protocol and whether the bytes were compressed. */
export function decodeBlobDetailed(input: Uint8Array, options: DecodeOptions = {}): DecodedBlob {
  // a plain Uint8Array view: Buffer.slice shares memory, and copies below rely on Uint8Array.slice copying
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const compressed = isCompressed(bytes);
  const plain = compressed ? inflateBlob(bytes, options) : bytes;
  const protocol = readProtocol(plain);
  const reader = new Reader(plain, options);
  reader.pos = 4;
  const value = reader.item(0);
  if (reader.pos !== plain.length) {
    throw new BlobFormatError('length-mismatch', reader.pos,
      `${plain.length - reader.pos} bytes left after the top-level item`);
  }
  return { value, protocol, compressed, plainLength: plain.length };
}

/** True when the bytes start with DataJoint's `ZL123\0` compression header. */
export function isCompressed(bytes: Uint8Array): boolean {
  if (bytes.length < ZL123.length) return false;
  for (let i = 0; i < ZL123.length; i++) if (bytes[i] !== ZL123[i]) return false;
  return true;
}

/** True when the bytes look like a DataJoint blob (compressed, or a `mYm\0`/`dj0\0` header). */
export function looksLikeBlob(bytes: Uint8Array): boolean {
  return isCompressed(bytes) || protocolAt(bytes) !== undefined;
}

function protocolAt(b: Uint8Array): BlobProtocol | undefined {
  if (b.length < 4 || b[3] !== 0) return undefined;
  if (b[0] === 0x6d && b[1] === 0x59 && b[2] === 0x6d) return 'mYm';
  if (b[0] === 0x64 && b[1] === 0x6a && b[2] === 0x30) return 'dj0';
  return undefined;
}

function readProtocol(plain: Uint8Array): BlobProtocol {
  const p = protocolAt(plain);
  if (p) return p;
  const isPrefix = (name: string): boolean =>
    plain.length < 4 && [...plain].every((c, i) => c === `${name}\0`.charCodeAt(i));
  if (isPrefix('mYm') || isPrefix('dj0')) throw new BlobFormatError('truncated', plain.length, 'the protocol header is cut short');
  const shown = Array.from(plain.subarray(0, 8), (c) => c.toString(16).padStart(2, '0')).join(' ');
  throw new BlobFormatError('unknown-protocol', 0,
    `expected "mYm\\0", "dj0\\0" or "ZL123\\0", found bytes ${shown || '(none)'}`);
}

function inflateBlob(bytes: Uint8Array, options: DecodeOptions): Uint8Array {
  const headerLength = options.dims32 ? 10 : COMPRESSED_HEADER_LENGTH;
  if (bytes.length < headerLength) {
    throw new BlobFormatError('truncated', bytes.length, 'the compressed-blob header is cut short');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = options.dims32
    ? view.getUint32(6, true)
    : view.getUint32(6, true) + view.getUint32(10, true) * 2 ** 32;
  const max = Math.min(options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES, 2 ** 32);
  if (declared > max) {
    throw new BlobFormatError('too-large', 6,
      `declared uncompressed size ${declared} exceeds the limit of ${max} bytes (raise maxUncompressedBytes if it is genuine)`,
      { declared, limit: max });
  }
  if (declared < 5) {
    throw new BlobFormatError('decompressed-size-mismatch', 6, `declared uncompressed size ${declared} cannot hold a blob`);
  }
  const stream = bytes.subarray(headerLength);
  let plain: Buffer;
  try {
    // maxOutputLength stops inflate as soon as it would exceed the declared size. One output
    // chunk of the declared size saves a final concatenation; it is bounded by what the input
    // can inflate to (deflate expands at most ~1032:1) and by INFLATE_CHUNK_MAX.
    const chunkSize = Math.max(64 * 1024, Math.min(declared, 1032 * stream.length + 1024, INFLATE_CHUNK_MAX));
    plain = inflateSync(stream, { maxOutputLength: declared, chunkSize });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BlobFormatError('decompressed-size-mismatch', 6,
        `the zlib stream inflates to more than the declared ${declared} bytes`, { declared });
    }
    throw new BlobFormatError('bad-compression', headerLength,
      `the zlib stream is corrupt or truncated (${err.message})`);
  }
  if (plain.length !== declared) {
    throw new BlobFormatError('decompressed-size-mismatch', 6,
      `the zlib stream inflates to ${plain.length} bytes, the header declares ${declared}`, { declared, actual: plain.length });
  }
  return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
}

/** Largest single output buffer inflate allocates up front. */
const INFLATE_CHUNK_MAX = 64 * 1024 * 1024;

/** Arrays up to this many bytes are copied into shared slabs of SLAB_SIZE bytes. */
const SLAB_ITEM_MAX = 256;
const SLAB_SIZE = 64 * 1024;

/** Python ints that decode to a shared bigint (bigints are immutable, so sharing is safe). */
const SMALL_INT_MIN = -128;
const SMALL_INT_MAX = 1023;
const SMALL_INTS: readonly bigint[] = Array.from({ length: SMALL_INT_MAX - SMALL_INT_MIN + 1 }, (_, i) => BigInt(i + SMALL_INT_MIN));

/** Struct elements with no fields occupy no bytes; cap how many we materialise. */
const MAX_EMPTY_STRUCT_ELEMENTS = 1 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  readonly bytes: Uint8Array;
  readonly buffer: Buffer;
  readonly view: DataView;
  pos = 0;
  /** End of the innermost item whose length is known (sub-items), or of the buffer. */
  end: number;
  readonly maxDepth: number;
  readonly dims32: boolean;
  readonly lenSize: number;
  slab: Uint8Array | undefined;
  slabUsed = 0;

  constructor(bytes: Uint8Array, options: DecodeOptions) {
    this.bytes = bytes;
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.dims32 = options.dims32 ?? false;
    this.lenSize = this.dims32 ? 4 : 8;
  }

  fail(reason: BlobFormatReason, detail: string, at = this.pos): never {
    throw new BlobFormatError(reason, at, detail);
  }

  /** Ensures `n` more bytes are inside the current item. */
  need(n: number, what: string): void {
    if (n <= this.end - this.pos) return;
    if (this.end < this.bytes.length) {
      this.fail('length-mismatch', `${what} runs past the end of its enclosing item (declared length too short)`);
    }
    this.fail('truncated', `${what} needs ${n} bytes, only ${this.end - this.pos} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A length, count or dimension (u64, or u32 in dims32 mode) as a safe JS number. */
  len(what: string): number {
    if (this.dims32) return this.u32(what);
    this.need(8, what);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    if (hi >= 0x200000) this.fail('bad-length', `${what} ${BigInt(hi) * 2n ** 32n + BigInt(lo)} is not a plausible size`);
    this.pos += 8;
    return hi * 2 ** 32 + lo;
  }

  /** A count of things that each take at least `minBytes`, checked against the bytes left. */
  count(what: string, minBytes: number): number {
    const at = this.pos;
    const n = this.len(what);
    if (n * minBytes > this.end - this.pos) {
      this.fail('bad-length', `${what} ${n} cannot fit in the ${this.end - this.pos} bytes left`, at);
    }
    return n;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const s = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** UTF-8 text of bytes [start, end), strict like Python's `bytes.decode()`. */
  text(start: number, end: number, what: string): string {
    const b = this.bytes;
    if (end - start <= 8) {
      // tiny ASCII: building the string inline beats any call into the runtime
      let s = '';
      for (let i = start; i < end; i++) {
        const c = b[i];
        if (c > 0x7f) return this.utf8(start, end, what);
        s += String.fromCharCode(c);
      }
      return s;
    }
    for (let i = start; i < end; i++) if (b[i] > 0x7f) return this.utf8(start, end, what);
    // pure ASCII: latin1 is the same text, and Buffer's native slice is the cheapest way there
    return this.buffer.toString('latin1', start, end);
  }

  utf8(start: number, end: number, what: string): string {
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch {
      return this.fail('invalid-utf8', `${what} is not valid UTF-8`, start);
    }
  }

  /** A NUL-terminated UTF-8 name (struct and record field names). */
  cstring(what: string): string {
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) this.fail('truncated', `${what} has no terminating NUL`);
    const s = this.text(this.pos, nul, what);
    this.pos = nul + 1;
    return s;
  }

  /** `u64 length` + item that must use exactly that length. */
  sub(depth: number): BlobValue {
    const at = this.pos;
    const n = this.len('item length');
    if (n > this.end - this.pos) this.fail('bad-length', `item length ${n} exceeds the ${this.end - this.pos} bytes left`, at);
    const outer = this.end;
    this.end = this.pos + n;
    const v = this.item(depth);
    if (this.pos !== this.end) this.fail('length-mismatch', `item used ${n - (this.end - this.pos)} of its declared ${n} bytes`, at);
    this.end = outer;
    return v;
  }

  item(depth: number): BlobValue {
    if (depth > this.maxDepth) this.fail('too-deep', `nesting deeper than ${this.maxDepth} levels`);
    const at = this.pos;
    const code = this.u8('item code');
    switch (code) {
      case 0x41: return this.array(depth);
      case 0x53: return this.struct(depth);
      case 0x43: return this.cell(depth);
      case 0x46: return this.record(depth);
      case 0x50: return this.fail('unsupported', 'MATLAB sparse arrays ("P") are not supported (DataJoint cannot read them either)', at);
      case 0xff: return { type: 'none' };
      case 0x01: return this.sequence('tuple', depth);
      case 0x02: return this.sequence('list', depth);
      case 0x03: return this.sequence('set', depth);
      case 0x04: return this.dict(depth);
      case 0x05: {
        const n = this.len('str length');
        this.need(n, 'str');
        const start = this.pos;
        this.pos += n;
        return { type: 'str', value: this.text(start, start + n, 'str') };
      }
      case 0x06: return { type: 'bytes', value: this.take(this.len('bytes length'), 'bytes').slice() };
      case 0x0a: return { type: 'int', value: this.pyInt() };
      case 0x0b: return { type: 'bool', value: this.u8('bool') !== 0 };
      case 0x0c: {
        this.need(16, 'complex');
        const re = this.view.getFloat64(this.pos, true);
        const im = this.view.getFloat64(this.pos + 8, true);
        this.pos += 16;
        return { type: 'complex', re, im };
      }
      case 0x0d: {
        this.need(8, 'float');
        const value = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return { type: 'float', value };
      }
      case 0x64: return this.decimal();
      case 0x74: return this.temporal(at);
      case 0x75: return { type: 'uuid', bytes: this.take(16, 'uuid').slice() };
      default:
        return this.fail('unknown-code', `unknown item code 0x${code.toString(16).padStart(2, '0')}` +
          (code >= 0x20 && code < 0x7f ? ` ("${String.fromCharCode(code)}")` : ''), at);
    }
  }

  /** Element count of the shape `dims` read last (a field, to keep the hot path allocation-free). */
  dimsCount = 0;

  /** ndim + shape; returns the shape (its element count in `dimsCount`), checked against `minBytesPerElement`. */
  dims(what: string, minBytesPerElement: number): number[] {
    const ndim = this.count('ndim', this.lenSize);
    const shape = new Array<number>(ndim);
    for (let k = 0; k < ndim; k++) shape[k] = this.len('dimension');
    let n = 1;
    const room = this.end - this.pos;
    if (!shape.includes(0)) {
      for (const d of shape) {
        n *= d;
        if (n * minBytesPerElement > room) {
          this.fail('bad-length', `${what} of shape (${shape.join(', ')}) cannot fit in the ${room} bytes left`);
        }
      }
    } else {
      n = 0;
    }
    this.dimsCount = n;
    return shape;
  }

  array(depth: number): NumericArray | ObjectArray {
    const at = this.pos - 1;
    // every element takes at least 1 byte; the exact size is checked once the type id is known
    const shape = this.dims('array', 1);
    const n = this.dimsCount;
    const typeId = this.u32('array type id');
    const isComplex = this.u32('array complex flag');
    const dtype = dtypeOfTypeId(typeId);
    if (dtype === undefined) {
      const known = UNSUPPORTED_TYPE_IDS.get(typeId);
      if (known) this.fail('unsupported', `array type id ${typeId} (${known}) cannot be decoded`, at);
      this.fail('unknown-type-id', `unknown array type id ${typeId}`, at);
    }
    if (dtype === 'object') {
      if (n * (this.lenSize + 1) > this.end - this.pos) {
        this.fail('bad-length', `object array of ${n} elements cannot fit in the ${this.end - this.pos} bytes left`, at);
      }
      const data = new Array<BlobValue>(n);
      for (let i = 0; i < n; i++) data[i] = this.sub(depth + 1);
      return { type: 'array', dtype: 'object', shape, order: 'F', data };
    }
    const complex = isComplex !== 0 && dtype !== 'char';
    if (complex && !isRealDtype(dtype)) this.fail('unsupported', `complex ${dtype} arrays cannot be decoded`, at);
    const size = storedItemSize(dtype);
    const partBytes = n * size;
    if (partBytes * (complex ? 2 : 1) > this.end - this.pos) {
      this.need(partBytes * (complex ? 2 : 1), `array data (${n} × ${size} bytes${complex ? ' × 2 parts' : ''})`);
    }
    const data = this.typed(dtype, n);
    if (!complex) return { type: 'array', dtype, shape, order: 'F', data };
    const imag = this.typed(dtype, n);
    const part = dtype as RealDtype;
    return {
      type: 'array', dtype: part === 'float32' ? 'complex64' : 'complex128', shape, order: 'F', data, imag, partDtype: part,
    };
  }

  /**
   * Copies `n` elements into an aligned typed array (one memcpy). Small arrays share slabs
   * instead of each getting its own ArrayBuffer, whose allocation dominates their cost.
   */
  typed(dtype: StoredDtype, n: number): NumericArray['data'] {
    const size = storedItemSize(dtype);
    const len = n * size;
    const cls = typedArrayClassOf(dtype);
    const from = this.pos;
    this.pos += len;
    if (len > SLAB_ITEM_MAX) {
      const copy = new Uint8Array(len);
      copy.set(this.bytes.subarray(from, from + len));
      return new cls(copy.buffer, 0, n);
    }
    if (this.slab === undefined || this.slabUsed + len > SLAB_SIZE) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.slabUsed = 0;
    }
    const at = this.slabUsed;
    const slab = this.slab;
    const b = this.bytes;
    for (let k = 0; k < len; k++) slab[at + k] = b[from + k]; // no view object for a few bytes
    this.slabUsed = (at + len + 7) & ~7; // keep every array 8-byte aligned
    return new cls(slab.buffer, at, n);
  }

  struct(depth: number): StructArray {
    const shape = this.dims('struct', 0);
    const n = this.dimsCount;
    const nFields = this.u32('struct field count');
    const fields = this.names(nFields, 'struct field name');
    if (nFields === 0 && n > MAX_EMPTY_STRUCT_ELEMENTS) {
      // elements without fields take no bytes, so only this cap stops a huge allocation
      this.fail('too-large', `struct without fields declares ${n} elements (limit ${MAX_EMPTY_STRUCT_ELEMENTS})`);
    }
    if (n * nFields * (this.lenSize + 1) > this.end - this.pos) {
      this.fail('bad-length', `struct of ${n} elements × ${nFields} fields cannot fit in the ${this.end - this.pos} bytes left`);
    }
    const elements = new Array<BlobValue[]>(n);
    for (let i = 0; i < n; i++) {
      const row = new Array<BlobValue>(nFields);
      for (let j = 0; j < nFields; j++) row[j] = this.sub(depth + 1);
      elements[i] = row;
    }
    return { type: 'struct', shape, order: 'F', fields, elements };
  }

  /**
   * Field names. DataJoint writes the names joined by NUL plus a final NUL, so zero fields
   * are written as a lone NUL that DataJoint's own reader does not consume; we accept it.
   * (A following byte 0x00 cannot start anything else: no item code is 0.)
   */
  names(nFields: number, what: string): string[] {
    if (nFields === 0) {
      if (this.pos < this.end && this.bytes[this.pos] === 0) this.pos++;
      return [];
    }
    if (nFields * 2 > this.end - this.pos) this.fail('bad-length', `${nFields} field names cannot fit in the bytes left`);
    const names = new Array<string>(nFields);
    for (let j = 0; j < nFields; j++) names[j] = this.cstring(what);
    return names;
  }

  cell(depth: number): CellArray {
    const shape = this.dims('cell', this.lenSize + 1);
    const n = this.dimsCount;
    const items = new Array<BlobValue>(n);
    for (let i = 0; i < n; i++) items[i] = this.sub(depth + 1);
    return { type: 'cell', shape, order: 'F', items };
  }

  record(depth: number): RecordArray {
    const nFields = this.u32('record field count');
    const names = this.names(nFields, 'record field name');
    if (nFields > this.end - this.pos) this.fail('bad-length', `${nFields} record fields cannot fit in the bytes left`);
    const fields = names.map((name) => ({ name, value: this.item(depth + 1) }));
    return { type: 'record', fields };
  }

  sequence(type: SequenceValue['type'], depth: number): SequenceValue {
    const n = this.count('sequence length', this.lenSize + 1);
    const items = new Array<BlobValue>(n);
    for (let i = 0; i < n; i++) items[i] = this.sub(depth + 1);
    return { type, items };
  }

  dict(depth: number): DictValue {
    const n = this.count('dict length', 2 * (this.lenSize + 1));
    const entries = new Array<[BlobValue, BlobValue]>(n);
    for (let i = 0; i < n; i++) {
      const k = this.sub(depth + 1);
      entries[i] = [k, this.sub(depth + 1)];
    }
    return { type: 'dict', entries };
  }

  pyInt(): bigint {
    const n = this.u16('int width');
    this.need(n, 'int');
    const b = this.bytes;
    const p = this.pos;
    this.pos += n;
    if (n === 0) return 0n;
    if (n <= 6) {
      let v = 0;
      for (let i = p + n - 1; i >= p; i--) v = v * 256 + b[i];
      if (b[p + n - 1] & 0x80) v -= 2 ** (8 * n);
      return v >= SMALL_INT_MIN && v <= SMALL_INT_MAX ? SMALL_INTS[v - SMALL_INT_MIN] : BigInt(v);
    }
    let hex = '';
    for (let i = p + n - 1; i >= p; i--) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    const u = BigInt(`0x${hex}`);
    return b[p + n - 1] & 0x80 ? u - (1n << BigInt(8 * n)) : u;
  }

  decimal(): BlobValue {
    const at = this.pos - 1;
    const n = this.len('decimal length');
    this.need(n, 'decimal');
    const start = this.pos;
    this.pos += n;
    const value = this.text(start, start + n, 'decimal');
    if (!DECIMAL_SYNTAX.test(value)) this.fail('invalid-value', `"${value.slice(0, 40)}" is not a decimal number`, at);
    return { type: 'decimal', value };
  }

  temporal(at: number): BlobValue {
    this.need(12, 'date/time');
    const d = this.view.getInt32(this.pos, true);
    const t = this.view.getBigInt64(this.pos + 4, true);
    this.pos += 12;
    // DataJoint: a negative field means "absent"; arithmetic as in blob.py (read_datetime)
    let date: { year: number; month: number; day: number } | undefined;
    if (d >= 0) {
      date = { year: Math.floor(d / 10000), month: Math.floor(d / 100) % 100, day: d % 100 };
      if (!validDate(date.year, date.month, date.day)) this.fail('invalid-value', `${d} is not a valid YYYYMMDD date`, at);
    }
    let tm: { hour: number; minute: number; second: number; microsecond: number } | undefined;
    if (t >= 0n) {
      tm = {
        hour: Number((t / 10_000_000_000n) % 100n),
        minute: Number((t / 100_000_000n) % 100n),
        second: Number((t / 1_000_000n) % 100n),
        microsecond: Number(t % 1_000_000n),
      };
      if (tm.hour > 23 || tm.minute > 59 || tm.second > 59) this.fail('invalid-value', `${t} is not a valid HHMMSSffffff time`, at);
    }
    if (date && tm) return { type: 'datetime', ...date, ...tm };
    if (tm) return { type: 'time', ...tm };
    if (date) return { type: 'date', ...date };
    return { type: 'none' }; // both absent: DataJoint returns None
  }
}

/** Python's `Decimal(str)` syntax (ASCII digits). */
const DECIMAL_SYNTAX =
  /^\s*[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|s?nan\d*)\s*$/i;

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}
