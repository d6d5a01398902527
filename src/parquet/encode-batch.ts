/**
 * Canonical rows -> the Arrow buffers of one batch, column by column.
 *
 * Values go straight into typed arrays (numbers) or one growing byte buffer per variable-width
 * column, so a batch costs its data plus offsets and no per-value objects. The buffers are
 * reused from batch to batch: `batch()` hands out views that stay valid only until the next
 * `reset`, which is fine because the writer copies each batch into a shared slot before that
 * (batch-slots.ts). This module needs no Apache Arrow: the encoding thread makes the Arrow
 * objects.
 */
import type { ColumnShape, CValue } from '../values/kinds.js';
import { formatDecimal, parseDecimal } from './decimal-text.js';
import { ParquetValueError } from './errors.js';
import { isWideDecimal } from './shapes.js';

const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function describe(v: CValue): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return `${typeof v} ${String(v)}`;
}

/**
 * A growing byte buffer; `Buffer` so UTF-8 encoding is one native call. It doubles up to the
 * batch byte cap (plus slack) and beyond that grows only as needed: a batch never holds much
 * more than the cap, and doubling past it would waste up to the cap again in memory.
 */
class Bytes {
  buf = Buffer.allocUnsafe(1 << 16);
  len = 0;
  constructor(private readonly softCap: number) {}
  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    const limit = this.softCap + (1 << 16);
    let size = Math.min(this.buf.length * 2, limit);
    if (size < need) size = need <= limit ? limit : need + (need >> 3);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

function grow<T extends { length: number; set(a: ArrayLike<number | bigint>): void }>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  let size = Math.max(16, a.length * 2);
  while (size < need) size *= 2;
  const next = make(size);
  next.set(a as unknown as ArrayLike<number | bigint>);
  return next;
}

abstract class ColumnEncoder {
  length = 0;
  nullCount = 0;
  validity = new Uint8Array(16);
  constructor(readonly column: ColumnShape, readonly index: number) {}

  fail(v: CValue, why: string, row: number): never {
    throw new ParquetValueError(
      `Column "${this.column.name}" (${this.column.kind}) row ${row}: ${describe(v)} ${why}.`,
      { column: this.column.name, kind: this.column.kind, row },
    );
  }

  /** Appends one value; returns the bytes it counts for the row-group byte cap. */
  append(v: CValue, row: number): number {
    const i = this.length;
    if ((i >> 3) >= this.validity.length) this.validity = grow(this.validity, (i >> 3) + 1, (n) => new Uint8Array(n));
    let size = 0;
    if (v === null || v === undefined) {
      if (!this.column.nullable) this.fail(null, 'is NULL in a NOT NULL column', row);
      this.validity[i >> 3] &= ~(1 << (i & 7));
      this.nullCount++;
      this.appendNull(i);
    } else {
      this.validity[i >> 3] |= 1 << (i & 7);
      size = this.appendValue(v, i, row);
    }
    this.length = i + 1;
    return size;
  }

  reset(): void {
    this.length = 0;
    this.nullCount = 0;
  }

  protected abstract appendNull(i: number): void;
  protected abstract appendValue(v: CValue, i: number, row: number): number;
  /** Views of this column's buffers of the batch so far, valid until `reset`. */
  abstract view(): ColumnBuffers;

  protected buffers(data: ColumnBuffers['data'], valueOffsets?: Int32Array): ColumnBuffers {
    const out: ColumnBuffers = { length: this.length, nullCount: this.nullCount, data };
    // No bitmap when the batch has no NULL (Arrow's convention, and what the writer always did).
    if (this.nullCount > 0) out.nullBitmap = this.validity.subarray(0, (this.length + 7) >> 3);
    if (valueOffsets) out.valueOffsets = valueOffsets;
    return out;
  }
}

/** One column of a batch as plain typed arrays (what `arrow.makeData` takes). */
export interface ColumnBuffers {
  length: number;
  nullCount: number;
  nullBitmap?: Uint8Array;
  /** Values (fixed width), bits (bool), or the concatenated bytes (variable width). */
  data: Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
  /** Variable width only: length + 1 offsets into `data`. */
  valueOffsets?: Int32Array;
}

/** One batch taken from a BatchEncoder: becomes exactly one row group. */
export interface EncodedBatch {
  rows: number;
  /** Value bytes, the measure of the row-group and part byte caps. */
  bytes: number;
  columns: ColumnBuffers[];
}

type NumArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

class SmallIntEncoder extends ColumnEncoder {
  values: NumArray;
  constructor(column: ColumnShape, index: number, private readonly make: (n: number) => NumArray, private readonly min: number, private readonly max: number, private readonly width: number) {
    super(column, index);
    this.values = make(16);
  }
  protected appendNull(i: number): void {
    if (i >= this.values.length) this.values = grow(this.values, i + 1, this.make);
    this.values[i] = 0;
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < this.min || v > this.max) {
      this.fail(v, `is not an integer in ${this.min}..${this.max}`, row);
    }
    if (i >= this.values.length) this.values = grow(this.values, i + 1, this.make);
    this.values[i] = v;
    return this.width;
  }
  view(): ColumnBuffers {
    return this.buffers(this.values.subarray(0, this.length));
  }
}

class FloatEncoder extends ColumnEncoder {
  values: Float32Array | Float64Array;
  constructor(column: ColumnShape, index: number, private readonly single: boolean) {
    super(column, index);
    this.values = single ? new Float32Array(16) : new Float64Array(16);
  }
  private make = (n: number): Float32Array | Float64Array => (this.single ? new Float32Array(n) : new Float64Array(n));
  protected appendNull(i: number): void {
    if (i >= this.values.length) this.values = grow(this.values, i + 1, this.make);
    this.values[i] = 0;
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    if (typeof v !== 'number') this.fail(v, 'is not a number', row);
    // A float32 canonical value is exactly representable; anything else would change on write.
    if (this.single && Math.fround(v) !== v && v === v) this.fail(v, 'is not exactly representable as float32 (use Math.fround in the backend)', row);
    if (i >= this.values.length) this.values = grow(this.values, i + 1, this.make);
    this.values[i] = v;
    return this.single ? 4 : 8;
  }
  view(): ColumnBuffers {
    return this.buffers(this.values.subarray(0, this.length));
  }
}

/** int64, uint64 (bigint), datetime and time (bigint microseconds). Safe-integer numbers are accepted too. */
class BigIntEncoder extends ColumnEncoder {
  values: BigInt64Array | BigUint64Array;
  constructor(column: ColumnShape, index: number, private readonly unsigned: boolean) {
    super(column, index);
    this.values = unsigned ? new BigUint64Array(16) : new BigInt64Array(16);
  }
  private make = (n: number): BigInt64Array | BigUint64Array => (this.unsigned ? new BigUint64Array(n) : new BigInt64Array(n));
  protected appendNull(i: number): void {
    if (i >= this.values.length) this.values = grow(this.values, i + 1, this.make);
    this.values[i] = 0n;
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
    else this.fail(v, 'is not a bigint', row);
    // Typed-array stores wrap silently. Compared, not read back: reading allocates a BigInt.
    if (this.unsigned ? b < 0n || b > UINT64_MAX : b < INT64_MIN || b > INT64_MAX) {
      this.fail(v, this.unsigned ? `is outside 0..${UINT64_MAX}` : `is outside ${INT64_MIN}..${INT64_MAX}`, row);
    }
    if (i >= this.values.length) this.values = grow(this.values, i + 1, this.make);
    this.values[i] = b;
    return 8;
  }
  view(): ColumnBuffers {
    return this.buffers(this.values.subarray(0, this.length));
  }
}

class BoolEncoder extends ColumnEncoder {
  bits = new Uint8Array(16);
  protected appendNull(i: number): void {
    if ((i >> 3) >= this.bits.length) this.bits = grow(this.bits, (i >> 3) + 1, (n) => new Uint8Array(n));
    this.bits[i >> 3] &= ~(1 << (i & 7));
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    if (typeof v !== 'boolean') this.fail(v, 'is not a boolean', row);
    if ((i >> 3) >= this.bits.length) this.bits = grow(this.bits, (i >> 3) + 1, (n) => new Uint8Array(n));
    if (v) this.bits[i >> 3] |= 1 << (i & 7);
    else this.bits[i >> 3] &= ~(1 << (i & 7));
    return 1;
  }
  view(): ColumnBuffers {
    return this.buffers(this.bits.subarray(0, (this.length + 7) >> 3));
  }
}

/** Utf8 and Binary: int32 offsets plus one byte buffer. */
class VarEncoder extends ColumnEncoder {
  offsets = new Int32Array(17);
  bytes: Bytes;
  constructor(column: ColumnShape, index: number, private readonly kind: 'text' | 'binary' | 'decimal', byteCap: number) {
    super(column, index);
    this.bytes = new Bytes(byteCap);
  }
  private nextOffset(i: number): void {
    if (i + 2 > this.offsets.length) this.offsets = grow(this.offsets, i + 2, (n) => new Int32Array(n));
    if (this.bytes.len > 0x7fffffff) {
      throw new ParquetValueError(`Column "${this.column.name}": one batch holds more than 2 GiB of data; a single value this large cannot be written to Parquet.`, { column: this.column.name });
    }
    this.offsets[i + 1] = this.bytes.len;
  }
  protected appendNull(i: number): void {
    this.nextOffset(i);
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    const start = this.bytes.len;
    if (this.kind === 'binary') {
      if (!(v instanceof Uint8Array)) this.fail(v, 'is not a Uint8Array', row);
      this.bytes.ensure(v.length);
      this.bytes.buf.set(v, this.bytes.len);
      this.bytes.len += v.length;
    } else {
      let s: string;
      if (typeof v !== 'string') this.fail(v, 'is not a string', row);
      if (this.kind === 'decimal') {
        const p = parseDecimal(v, this.column.precision as number, this.column.scale as number);
        if (p === null) this.fail(v, `is not decimal text that fits decimal(${this.column.precision},${this.column.scale})`, row);
        s = formatDecimal(p.negative, p.digits, this.column.scale as number);
      } else {
        s = v;
      }
      // UTF-16 code unit -> at most 3 UTF-8 bytes.
      this.bytes.ensure(s.length * 3);
      this.bytes.len += this.bytes.buf.write(s, this.bytes.len, 'utf8');
    }
    this.nextOffset(i);
    return this.bytes.len - start;
  }
  override reset(): void {
    super.reset();
    this.bytes.len = 0;
  }
  view(): ColumnBuffers {
    this.offsets[0] = 0;
    const data = new Uint8Array(this.bytes.buf.buffer, this.bytes.buf.byteOffset, this.bytes.len);
    return this.buffers(data, this.offsets.subarray(0, this.length + 1));
  }
}

class UuidEncoder extends ColumnEncoder {
  values = new Uint8Array(256);
  protected appendNull(i: number): void {
    if ((i + 1) * 16 > this.values.length) this.values = grow(this.values, (i + 1) * 16, (n) => new Uint8Array(n));
    this.values.fill(0, i * 16, i * 16 + 16);
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    if (!(v instanceof Uint8Array) || v.length !== 16) this.fail(v, 'is not a 16-byte Uint8Array', row);
    if ((i + 1) * 16 > this.values.length) this.values = grow(this.values, (i + 1) * 16, (n) => new Uint8Array(n));
    this.values.set(v, i * 16);
    return 16;
  }
  view(): ColumnBuffers {
    return this.buffers(this.values.subarray(0, this.length * 16));
  }
}

/** Decimal128: four little-endian 32-bit words of the two's-complement unscaled value. */
class Decimal128Encoder extends ColumnEncoder {
  words = new Uint32Array(64);
  private readonly precision: number;
  private readonly scale: number;
  constructor(column: ColumnShape, index: number) {
    super(column, index);
    this.precision = column.precision as number;
    this.scale = column.scale as number;
  }
  protected appendNull(i: number): void {
    if ((i + 1) * 4 > this.words.length) this.words = grow(this.words, (i + 1) * 4, (n) => new Uint32Array(n));
    this.words.fill(0, i * 4, i * 4 + 4);
  }
  protected appendValue(v: CValue, i: number, row: number): number {
    if (typeof v !== 'string') this.fail(v, 'is not decimal text', row);
    const p = parseDecimal(v, this.precision, this.scale);
    if (p === null) this.fail(v, `is not decimal text that fits decimal(${this.precision},${this.scale})`, row);
    if ((i + 1) * 4 > this.words.length) this.words = grow(this.words, (i + 1) * 4, (n) => new Uint32Array(n));
    const w = this.words;
    const o = i * 4;
    if (p.digits.length <= 15) {
      // Fast path: the magnitude is below 2^53, so plain numbers are exact.
      const m = Number(p.digits);
      let w0 = m % TWO_32;
      let w1 = Math.floor(m / TWO_32);
      let w2 = 0;
      let w3 = 0;
      if (p.negative) {
        // Two's complement: invert and add one, carrying through the words.
        w0 = (~w0 >>> 0) + 1;
        w1 = ~w1 >>> 0;
        w2 = 0xffffffff;
        w3 = 0xffffffff;
        if (w0 === TWO_32) {
          w0 = 0;
          w1 = (w1 + 1) >>> 0;
          if (w1 === 0) {
            w2 = 0;
            w3 = 0;
          }
        }
      }
      w[o] = w0;
      w[o + 1] = w1;
      w[o + 2] = w2;
      w[o + 3] = w3;
    } else {
      let b = BigInt(p.digits);
      if (p.negative) b = (1n << 128n) - b;
      w[o] = Number(b & 0xffffffffn);
      w[o + 1] = Number((b >> 32n) & 0xffffffffn);
      w[o + 2] = Number((b >> 64n) & 0xffffffffn);
      w[o + 3] = Number((b >> 96n) & 0xffffffffn);
    }
    return 16;
  }
  view(): ColumnBuffers {
    return this.buffers(this.words.subarray(0, this.length * 4));
  }
}

function encoderFor(c: ColumnShape, index: number, byteCap: number): ColumnEncoder {
  switch (c.kind) {
    case 'int8': return new SmallIntEncoder(c, index, (n) => new Int8Array(n), -128, 127, 1);
    case 'int16': return new SmallIntEncoder(c, index, (n) => new Int16Array(n), -32768, 32767, 2);
    case 'int32': return new SmallIntEncoder(c, index, (n) => new Int32Array(n), -2147483648, 2147483647, 4);
    case 'uint8': return new SmallIntEncoder(c, index, (n) => new Uint8Array(n), 0, 255, 1);
    case 'uint16': return new SmallIntEncoder(c, index, (n) => new Uint16Array(n), 0, 65535, 2);
    case 'uint32': return new SmallIntEncoder(c, index, (n) => new Uint32Array(n), 0, 4294967295, 4);
    case 'date': return new SmallIntEncoder(c, index, (n) => new Int32Array(n), -2147483648, 2147483647, 4);
    case 'int64':
    case 'datetime':
    case 'time':
      return new BigIntEncoder(c, index, false);
    case 'uint64': return new BigIntEncoder(c, index, true);
    case 'float32': return new FloatEncoder(c, index, true);
    case 'float64': return new FloatEncoder(c, index, false);
    case 'decimal': return isWideDecimal(c) ? new VarEncoder(c, index, 'decimal', byteCap) : new Decimal128Encoder(c, index);
    case 'bool': return new BoolEncoder(c, index);
    case 'string':
    case 'json':
    case 'text':
      return new VarEncoder(c, index, 'text', byteCap);
    case 'bytes': return new VarEncoder(c, index, 'binary', byteCap);
    case 'uuid': return new UuidEncoder(c, index);
  }
}

/**
 * Largest row (in value bytes) we hand to parquet-wasm. The wasm32 writer keeps several copies
 * of a batch (IPC, input, encoded pages, compressed output): a 256 MiB value peaked at 2.1 GB
 * RSS, and a 1 GiB value trapped inside wasm, which kills the process instead of failing.
 */
export const MAX_ROW_BYTES = 256 * 1024 * 1024;

/** Accumulates rows into Arrow column buffers; one instance is reused for every batch. */
export class BatchEncoder {
  private readonly encoders: ColumnEncoder[];
  rows = 0;
  bytes = 0;
  /** Rows appended before this batch (for error messages). */
  rowBase = 0;

  /** `byteCap`: the batch byte cap, used to size buffers (a batch may exceed it by one row). */
  constructor(columns: readonly ColumnShape[], byteCap: number) {
    this.encoders = columns.map((c, i) => encoderFor(c, i, byteCap));
  }

  appendRow(row: readonly CValue[]): void {
    const at = this.rowBase + this.rows;
    if (!Array.isArray(row) || row.length !== this.encoders.length) {
      throw new ParquetValueError(`Row ${at} has ${Array.isArray(row) ? row.length : 'no'} values; the table has ${this.encoders.length} columns.`, { row: at });
    }
    let size = 0;
    for (let c = 0; c < this.encoders.length; c++) size += this.encoders[c].append(row[c], at);
    if (size > MAX_ROW_BYTES) {
      throw new ParquetValueError(`Row ${at} holds ${size} bytes of values, more than the ${MAX_ROW_BYTES} bytes a Parquet row can take here; keep values this large in an object store (DataJoint <blob@store>, <attach@store>).`, { row: at, bytes: size });
    }
    this.rows++;
    this.bytes += size;
  }

  /** Views of the batch so far (possibly empty), valid until `reset`. */
  batch(): EncodedBatch {
    return { rows: this.rows, bytes: this.bytes, columns: this.encoders.map((e) => e.view()) };
  }

  reset(): void {
    this.rowBase += this.rows;
    this.rows = 0;
    this.bytes = 0;
    for (const e of this.encoders) e.reset();
  }
}
