/**
 * Rows → PostgreSQL's binary COPY format: per row an int16 field count, per field an int32
 * length (-1 for NULL) and the type's binary representation. Chosen over the text format where
 * every column has a binary encoder here, because blobs then go as they are: the text format
 * doubles every bytea to hex, which measured ~3x the formatting time of a plain copy per 1 KB
 * blob (bench/import.ts), and the server has half the bytes to read. Types without an encoder
 * (interval, arrays, …) make the table fall back to the text format.
 */
import { InputError } from '../../errors/base.js';
import type { CValue } from '../../values/kinds.js';
import type { ChunkWriter } from './chunk.js';
import { literalFor, ValueConversionError, type TargetColumn } from './literal.js';
import type { RowWriter } from './pg-text.js';

type Value = Exclude<CValue, null>;
type FieldEncoder = (w: ChunkWriter, v: Value) => void;

/** `PGCOPY\n\377\r\n\0`, flags 0, no header extension. */
export const BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
export const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/** PostgreSQL's epoch, 2000-01-01, in days and microseconds after 1970-01-01. */
const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_US = 946_684_800_000_000n;

function bytesField(w: ChunkWriter, b: Uint8Array, prefix?: number): void {
  const n = b.length + (prefix === undefined ? 0 : 1);
  w.ensure(4 + n);
  w.buf.writeInt32BE(n, w.pos);
  w.pos += 4;
  if (prefix !== undefined) w.buf[w.pos++] = prefix;
  w.buf.set(b, w.pos);
  w.pos += b.length;
}

function textField(w: ChunkWriter, s: string, prefix?: number): void {
  const head = prefix === undefined ? 0 : 1;
  w.ensure(4 + head + s.length * 3);
  const at = w.pos;
  w.pos += 4;
  if (prefix !== undefined) w.buf[w.pos++] = prefix;
  const n = w.buf.write(s, w.pos, 'utf8');
  w.pos += n;
  w.buf.writeInt32BE(n + head, at);
}

const DIGIT_0 = 0x30;
const isDigit = (c: number) => c >= DIGIT_0 && c <= 0x39;
/** Digit groups of the numeric being written, reused (a decimal column is written once per row). */
let groups = new Int16Array(64);

/**
 * numeric's binary form: base-10000 digit groups around the decimal point. Parsed by character
 * codes, without a regular expression or strings per value: it ran once per row and cost more
 * than any other column's encoder.
 */
export function writeNumeric(w: ChunkWriter, text: string): boolean {
  const len = text.length;
  let i = 0;
  const sign = text.charCodeAt(0);
  const negative = sign === 0x2d;
  if (negative || sign === 0x2b) i = 1;
  let intStart = i;
  while (i < len && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  if (i < len && text.charCodeAt(i) === 0x2e) {
    fracStart = ++i;
    while (i < len && isDigit(text.charCodeAt(i))) i++;
  }
  const fracEnd = i;
  if (i !== len || (intEnd === intStart && fracEnd === fracStart)) return false;
  while (intStart < intEnd && text.charCodeAt(intStart) === DIGIT_0) intStart++;
  const intDigits = intEnd - intStart;
  const dscale = fracEnd - fracStart;
  const intGroups = Math.ceil(intDigits / 4);
  const total = intGroups + Math.ceil(dscale / 4);
  if (groups.length < total) groups = new Int16Array(total * 2);
  let p = intStart;
  let g = 0;
  // The first integer group holds what is left over from groups of four, counted from the point.
  for (let n = intDigits - 4 * (intGroups - 1); g < intGroups; g++, n = 4) {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 10 + text.charCodeAt(p++) - DIGIT_0;
    groups[g] = v;
  }
  for (p = fracStart; g < total; g++) {
    let v = 0;
    for (let k = 0; k < 4; k++) v = v * 10 + (p < fracEnd ? text.charCodeAt(p++) - DIGIT_0 : 0);
    groups[g] = v;
  }
  let weight = intGroups - 1;
  let start = 0;
  while (start < total && groups[start] === 0) {
    start++;
    weight--;
  }
  let end = total;
  while (end > start && groups[end - 1] === 0) end--;
  const ndigits = end - start;
  if (ndigits === 0) weight = 0;
  const size = 8 + 2 * ndigits;
  w.ensure(4 + size);
  const b = w.buf;
  let at = w.pos;
  b.writeInt32BE(size, at);
  b.writeInt16BE(ndigits, at + 4);
  b.writeInt16BE(weight, at + 6);
  b.writeUInt16BE(negative && ndigits ? 0x4000 : 0, at + 8);
  b.writeInt16BE(dscale, at + 10);
  at += 12;
  for (let d = start; d < end; d++) {
    b.writeInt16BE(groups[d], at);
    at += 2;
  }
  w.pos = at;
  return true;
}

function toBigInt(v: Value): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return null;
}

/** The encoder for one target column, or null when this type has none here (use text COPY). */
export function pgBinaryEncoder(target: TargetColumn, where: string): FieldEncoder | null {
  const fail = (v: Value, why: string): never => {
    throw new ValueConversionError(where, v, target, why);
  };
  // Values of an unexpected JS type (a cross-backend carry) go through their text literal.
  const literal = literalFor('postgres', target, where);
  const asText = (v: Value): string => {
    const lit = literal(v);
    return typeof lit === 'string' ? lit : fail(v, 'no text form');
  };
  const int = (size: 2 | 4 | 8): FieldEncoder => {
    return (w, v) => {
      const n = toBigInt(v) ?? BigInt(asText(v));
      w.ensure(4 + size);
      w.buf.writeInt32BE(size, w.pos);
      if (size === 2) w.buf.writeInt16BE(Number(n), w.pos + 4);
      else if (size === 4) w.buf.writeInt32BE(Number(n), w.pos + 4);
      else w.buf.writeBigInt64BE(n, w.pos + 4);
      w.pos += 4 + size;
    };
  };
  switch (target.dataType) {
    case 'smallint': return int(2);
    case 'integer': return int(4);
    case 'bigint': return int(8);
    case 'real': case 'double precision': {
      const size = target.dataType === 'real' ? 4 : 8;
      return (w, v) => {
        const x = typeof v === 'number' ? v : Number(asText(v));
        w.ensure(4 + size);
        w.buf.writeInt32BE(size, w.pos);
        if (size === 4) w.buf.writeFloatBE(x, w.pos + 4);
        else w.buf.writeDoubleBE(x, w.pos + 4);
        w.pos += 4 + size;
      };
    }
    case 'numeric':
      return (w, v) => {
        const text = typeof v === 'string' ? v : asText(v);
        if (!writeNumeric(w, text)) fail(v, 'not a decimal number');
      };
    case 'boolean': {
      const put = (w: ChunkWriter, b: boolean) => {
        w.ensure(5);
        w.buf.writeInt32BE(1, w.pos);
        w.buf[w.pos + 4] = b ? 1 : 0;
        w.pos += 5;
      };
      return (w, v) => put(w, typeof v === 'boolean' ? v : asText(v) === 't');
    }
    case 'bytea':
      return (w, v) => bytesField(w, v instanceof Uint8Array ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : fail(v, 'not bytes'));
    case 'uuid':
      return (w, v) => {
        if (v instanceof Uint8Array && v.length === 16) return bytesField(w, v);
        const hex = asText(v).replace(/-/g, '');
        return bytesField(w, Buffer.from(hex, 'hex'));
      };
    case 'text': case 'character varying': case 'character': case 'json': case 'user-defined':
      if (target.kind !== 'string' && target.kind !== 'json') return null;
      return (w, v) => textField(w, typeof v === 'string' ? v : asText(v));
    case 'jsonb':
      // jsonb's binary form is a version byte (1) and the JSON text.
      return (w, v) => textField(w, typeof v === 'string' ? v : asText(v), 1);
    case 'date':
      return (w, v) => {
        const days = typeof v === 'number' ? v : typeof v === 'bigint' && v % 86_400_000_000n === 0n ? Number(v / 86_400_000_000n) : fail(v, 'not a date');
        w.ensure(8);
        w.buf.writeInt32BE(4, w.pos);
        w.buf.writeInt32BE(days - PG_EPOCH_DAYS, w.pos + 4);
        w.pos += 8;
      };
    case 'timestamp without time zone': case 'timestamp with time zone':
      return (w, v) => {
        const us = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) * 86_400_000_000n : fail(v, 'not a date and time');
        w.ensure(12);
        w.buf.writeInt32BE(8, w.pos);
        w.buf.writeBigInt64BE(us - PG_EPOCH_US, w.pos + 4);
        w.pos += 12;
      };
    case 'time without time zone':
      return (w, v) => {
        if (typeof v !== 'bigint') return fail(v, 'not a time');
        // Binary input skips the text parser's range check: keep the type's range here.
        if (v < 0n || v > 86_400_000_000n) return fail(v, 'outside 00:00:00 … 24:00:00');
        w.ensure(12);
        w.buf.writeInt32BE(8, w.pos);
        w.buf.writeBigInt64BE(v, w.pos + 4);
        w.pos += 12;
      };
    default:
      return null;
  }
}

export interface PgBinaryField {
  source: number;
  encode: FieldEncoder;
}

/** Encoders for all columns, or null when one has none (the table then loads in text format). */
export function pgBinaryFields(columns: readonly { source: number; target: TargetColumn; where: string }[]): PgBinaryField[] | null {
  const out: PgBinaryField[] = [];
  for (const c of columns) {
    const encode = pgBinaryEncoder(c.target, c.where);
    if (!encode) return null;
    out.push({ source: c.source, encode });
  }
  return out;
}

export function pgBinaryRowWriter(fields: readonly PgBinaryField[]): RowWriter {
  const n = fields.length;
  if (n > 32767) throw new InputError('too_many_columns', `A table with ${n} columns cannot be copied in binary format.`);
  return (w, row) => {
    w.ensure(2);
    w.buf.writeInt16BE(n, w.pos);
    w.pos += 2;
    for (let i = 0; i < n; i++) {
      const f = fields[i];
      const v = row[f.source];
      if (v === null || v === undefined) {
        w.ensure(4);
        w.buf.writeInt32BE(-1, w.pos);
        w.pos += 4;
      } else {
        f.encode(w, v);
      }
    }
  };
}
