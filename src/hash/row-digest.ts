/**
 * The canonical, framed encoding of a row's values and its SHA-256 (formats/hash.md
 * "Values" and "Row digest").
 *
 * Every value starts with one byte: 0x00 for NULL, otherwise its class's tag, followed by a
 * fixed-width payload or a u64 big-endian length and the bytes. With the classes fixed by the
 * table header, this framing is prefix-free, so no two different rows encode alike.
 */
import { createHash, type Hash } from 'node:crypto';
import type { ColumnShape, CValue, ValueKind } from '../values/kinds.js';
import { normaliseDecimal } from '../parquet/decimal-text.js';
import { isCanonicalDecimal } from '../values/normalize.js';
import { canonicalJson } from './canonical-json.js';
import { HashInputError, HashValueError } from './errors.js';
import { sha256Into } from './sha256.js';

/**
 * The hash class of each kind: backends may carry one DataJoint type in different widths
 * (e.g. PostgreSQL has no unsigned types), so integers hash as integers whatever their width,
 * and float32 values hash as the float64 they equal exactly.
 */
export const HASH_CLASS: Record<ValueKind, string> = {
  int8: 'int', int16: 'int', int32: 'int', int64: 'int',
  uint8: 'int', uint16: 'int', uint32: 'int', uint64: 'int',
  float32: 'float', float64: 'float',
  decimal: 'decimal', bool: 'bool', string: 'string', bytes: 'bytes', uuid: 'uuid', json: 'json',
  date: 'date', datetime: 'datetime', time: 'time', text: 'text',
};

export const TAG = {
  null: 0x00,
  int: 0x69, // i
  float: 0x66, // f
  decimal: 0x64, // d
  bool: 0x62, // b
  string: 0x73, // s
  text: 0x53, // S
  bytes: 0x78, // x
  uuid: 0x75, // u
  json: 0x6a, // j
  date: 0x44, // D
  datetime: 0x54, // T
  time: 0x74, // t
} as const;

const INT_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
/** Values at least this long are fed to the hash directly instead of being copied. */
export const STREAM_FROM = 64 * 1024;

function describe(v: CValue): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return `${typeof v} ${String(v)}`;
}

/** Encodes rows of one table and writes their 32-byte digests. One instance per table. */
export class RowDigester {
  protected buf = Buffer.allocUnsafe(4096);
  protected view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  protected len = 0;
  /** Set while a row holds a value too large to copy: the row is hashed incrementally. */
  protected stream: Hash | null = null;
  protected readonly tags: number[];
  /** Rows seen by digestInto, and the index of the row being encoded (for messages). */
  protected seen = 0;
  protected row = 0;

  constructor(protected readonly columns: readonly ColumnShape[]) {
    this.tags = columns.map((c) => {
      const cls = HASH_CLASS[c.kind];
      if (cls === undefined) throw new HashInputError(`Column "${c.name}" has unknown kind "${String(c.kind)}".`, { column: c.name });
      if (c.kind === 'decimal' && (!Number.isInteger(c.precision) || !Number.isInteger(c.scale))) {
        throw new HashInputError(`Decimal column "${c.name}" needs integer precision and scale: the hash writes decimals at the declared scale.`, { column: c.name });
      }
      return TAG[cls as keyof typeof TAG];
    });
  }

  private fail(c: number, v: CValue, why: string): never {
    const col = this.columns[c];
    throw new HashValueError(`Column "${col.name}" (${col.kind}) row ${this.row}: ${describe(v)} ${why}.`, { column: col.name, kind: col.kind, row: this.row });
  }

  protected ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  protected u64(n: number): void {
    this.view.setUint32(this.len, Math.floor(n / 4294967296));
    this.view.setUint32(this.len + 4, n >>> 0);
    this.len += 8;
  }

  private bigint(c: number, v: CValue): bigint {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    return this.fail(c, v, 'is not an integer (bigint)');
  }

  /** Length-prefixed UTF-8. */
  private text(s: string): void {
    this.ensure(9 + s.length * 3);
    const at = this.len + 8;
    const n = this.buf.write(s, at, 'utf8');
    this.u64(n);
    this.len = at + n;
  }

  private bytes(b: Uint8Array): void {
    this.ensure(8);
    this.u64(b.length);
    if (b.length >= STREAM_FROM) this.streamValue(b);
    else {
      this.ensure(b.length);
      this.buf.set(b, this.len);
      this.len += b.length;
    }
  }

  /** Feeds what is framed so far and then `b` to an incremental hash, for a value too large to copy. */
  protected streamValue(b: Uint8Array): void {
    if (!this.stream) this.stream = createHash('sha256');
    this.stream.update(this.buf.subarray(0, this.len));
    this.stream.update(b);
    this.len = 0;
  }

  protected value(c: number, v: CValue): void {
    this.ensure(32);
    if (v === null || v === undefined) {
      if (!this.columns[c].nullable) this.fail(c, null, 'is NULL in a NOT NULL column');
      this.buf[this.len++] = TAG.null;
      return;
    }
    const col = this.columns[c];
    this.buf[this.len++] = this.tags[c];
    switch (col.kind) {
      case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32': {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(c, v, 'is not an integer');
        // 72-bit big-endian two's complement: sign byte, then 64 bits (high word by floor division).
        const high = Math.floor(v / 4294967296);
        this.buf[this.len] = v < 0 ? 0xff : 0;
        this.view.setInt32(this.len + 1, high);
        this.view.setUint32(this.len + 5, v - high * 4294967296);
        this.len += 9;
        return;
      }
      case 'int64': case 'uint64': {
        const b = this.bigint(c, v);
        if (b < INT_MIN || b > UINT64_MAX) this.fail(c, v, 'is outside -2^63..2^64-1');
        // setBigInt64 writes the low 64 bits of negatives; values >= 2^63 need the unsigned store.
        this.buf[this.len] = b < 0n ? 0xff : 0;
        if (b < 0n) this.view.setBigInt64(this.len + 1, b);
        else this.view.setBigUint64(this.len + 1, b);
        this.len += 9;
        return;
      }
      case 'float32': case 'float64': {
        if (typeof v !== 'number') this.fail(c, v, 'is not a number');
        if (col.kind === 'float32' && v === v && Math.fround(v) !== v) this.fail(c, v, 'is not exactly representable as float32');
        if (v !== v) {
          this.view.setUint32(this.len, 0x7ff80000);
          this.view.setUint32(this.len + 4, 0);
        } else {
          this.view.setFloat64(this.len, v);
        }
        this.len += 8;
        return;
      }
      case 'decimal': {
        if (typeof v !== 'string') this.fail(c, v, 'is not decimal text');
        const t = isCanonicalDecimal(v, col.scale as number, col.precision as number) ? v : normaliseDecimal(v, col.precision as number, col.scale as number);
        if (t === null) this.fail(c, v, `is not decimal text that fits decimal(${col.precision},${col.scale})`);
        this.text(t);
        return;
      }
      case 'bool':
        if (typeof v !== 'boolean') this.fail(c, v, 'is not a boolean');
        this.buf[this.len++] = v ? 1 : 0;
        return;
      case 'string': case 'text':
        if (typeof v !== 'string') this.fail(c, v, 'is not a string');
        this.text(v);
        return;
      case 'json':
        if (typeof v !== 'string') this.fail(c, v, 'is not JSON text');
        this.text(canonicalJson(v));
        return;
      case 'bytes':
        if (!(v instanceof Uint8Array)) this.fail(c, v, 'is not a Uint8Array');
        this.bytes(v);
        return;
      case 'uuid':
        if (!(v instanceof Uint8Array) || v.length !== 16) this.fail(c, v, 'is not a 16-byte Uint8Array');
        this.buf.set(v, this.len);
        this.len += 16;
        return;
      case 'date':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) this.fail(c, v, 'is not a day number (int32)');
        this.view.setInt32(this.len, v);
        this.len += 4;
        return;
      case 'datetime': case 'time': {
        const b = this.bigint(c, v);
        if (b < INT_MIN || b > 2n ** 63n - 1n) this.fail(c, v, 'is outside the int64 microsecond range');
        this.view.setBigInt64(this.len, b);
        this.len += 8;
        return;
      }
    }
  }

  /** The framed encoding of `row` (valid until the next call); for tests and the spec example. */
  encode(row: readonly CValue[]): Uint8Array {
    this.row = this.seen;
    if (!Array.isArray(row) || row.length !== this.columns.length) {
      throw new HashValueError(`Row ${this.row} has ${Array.isArray(row) ? row.length : 'no'} values; the table has ${this.columns.length} columns.`, { row: this.row });
    }
    this.len = 0;
    this.stream = null;
    for (let c = 0; c < row.length; c++) this.value(c, row[c]);
    if ((this.stream as Hash | null) !== null) throw new HashValueError('encode() cannot return a row holding values of 64 KiB or more; use digestInto.');
    return this.buf.subarray(0, this.len);
  }

  /** SHA-256 of the row's encoding into `out[off, off+32)`. */
  digestInto(row: readonly CValue[], out: Uint8Array, off: number): void {
    this.row = this.seen++;
    if (!Array.isArray(row) || row.length !== this.columns.length) {
      throw new HashValueError(`Row ${this.row} has ${Array.isArray(row) ? row.length : 'no'} values; the table has ${this.columns.length} columns.`, { row: this.row });
    }
    this.len = 0;
    this.stream = null;
    for (let c = 0; c < row.length; c++) this.value(c, row[c]);
    this.finishInto(out, off);
  }

  /** SHA-256 of the row framed since `len` and `stream` were reset, into `out[off, off+32)`. */
  protected finishInto(out: Uint8Array, off: number): void {
    // value() may have switched to incremental hashing (TS cannot see through the calls).
    const h = this.stream as Hash | null;
    if (h) {
      this.stream = null;
      h.update(this.buf.subarray(0, this.len));
      out.set(h.digest(), off);
    } else {
      sha256Into(this.buf, 0, this.len, out, off);
    }
  }
}
