/**
 * Canonical values (values/kinds.ts) → the literal a target column accepts in a bulk-load
 * stream, chosen by the TARGET column's kind and type: the same canonical value becomes `1` for
 * a MySQL tinyint bool and `t` for a PostgreSQL boolean, 16 raw bytes for a MySQL binary(16)
 * uuid and `xxxxxxxx-xxxx-…` for a PostgreSQL uuid. This is what makes a cross-backend import
 * carry values by meaning while a same-backend import stays byte-exact.
 *
 * A literal is a string (the value's text, not yet escaped for the stream format) or raw bytes
 * (blobs, MySQL binary uuids). Escaping is the stream format's job (pg-text.ts, mysql-infile.ts).
 */
import type { Family } from '../../db/types.js';
import { InputError } from '../../errors/base.js';
import type { CValue, ValueKind } from '../../values/kinds.js';
import { formatDate, formatDatetime, formatTime } from '../../values/temporal.js';

/** What the loader knows about a column of the created target table. */
export interface TargetColumn {
  name: string;
  kind: ValueKind;
  /** lower-case base type on the target (`tinyint`, `bytea`, `timestamp without time zone`, …) */
  dataType: string;
  sqlType: string;
  charset: string | null;
  fsp?: number;
}

export type Literal = string | Uint8Array;
export type ToLiteral = (v: Exclude<CValue, null>) => Literal;

export class ValueConversionError extends InputError {
  constructor(where: string, value: Exclude<CValue, null>, target: TargetColumn, why: string) {
    super('value_not_convertible',
      `${where}: the value ${preview(value)} cannot be loaded into ${target.sqlType} (${why}). The DDL plan should have reported this column as lossy; report it.`,
      { column: where, targetType: target.sqlType });
  }
}

function preview(v: Exclude<CValue, null>): string {
  if (v instanceof Uint8Array) return `0x${Buffer.from(v.subarray(0, 16)).toString('hex')}${v.length > 16 ? '…' : ''}`;
  // NaN and infinities as such: JSON would print them as null.
  const s = typeof v === 'bigint' || typeof v === 'number' ? `${v}` : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

const HEX = /^[0-9a-fA-F]{32}$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function uuidText(b: Uint8Array): string {
  const h = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Shortest round-trip text; `-0` kept (String(-0) is "0"). */
function floatText(n: number, family: Family, fail: (why: string) => never): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0' : String(n);
  if (family === 'mysql') return fail('MySQL has no NaN or infinity');
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

function toBigInt(v: Exclude<CValue, null>): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : null;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return null;
}

export function literalFor(family: Family, target: TargetColumn, where: string): ToLiteral {
  const fail = (v: Exclude<CValue, null>, why: string): never => {
    throw new ValueConversionError(where, v, target, why);
  };
  // Always six digits: canonical values are already at the column's precision.
  const fsp = 6;
  switch (target.kind) {
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32':
    case 'int64': case 'uint64':
      return (v) => {
        if (typeof v === 'number' && Number.isInteger(v)) return String(v);
        const b = toBigInt(v);
        return b === null ? fail(v, 'not an integer') : b.toString();
      };
    case 'float32': case 'float64':
      return (v) => {
        if (typeof v === 'number') return floatText(v, family, (why) => fail(v, why));
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return v;
        return fail(v, 'not a number');
      };
    case 'decimal':
      return (v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'number' && Number.isFinite(v)) return String(v);
        if (typeof v === 'boolean') return v ? '1' : '0';
        return fail(v, 'not a decimal');
      };
    case 'bool': {
      const [t, f] = family === 'mysql' ? ['1', '0'] : ['t', 'f'];
      return (v) => {
        if (typeof v === 'boolean') return v ? t : f;
        if (v === 0 || v === 0n) return f;
        if (v === 1 || v === 1n) return t;
        return fail(v, 'not a boolean');
      };
    }
    case 'uuid':
      // MySQL stores uuids as binary(16); PostgreSQL has a uuid type that reads the text form.
      return (v) => {
        let bytes: Uint8Array | null = null;
        if (v instanceof Uint8Array && v.length === 16) bytes = v;
        else if (typeof v === 'string' && HEX.test(v.replace(/-/g, ''))) bytes = Buffer.from(v.replace(/-/g, ''), 'hex');
        if (!bytes) return fail(v, 'not a uuid');
        if (family === 'postgres' && target.dataType === 'uuid') return uuidText(bytes);
        return bytes;
      };
    case 'bytes':
      return (v) => {
        if (v instanceof Uint8Array) return v;
        if (typeof v === 'string') return Buffer.from(v, 'utf8');
        return fail(v, 'not bytes');
      };
    case 'string': case 'json': case 'text':
      return (v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number') return floatText(v, family, (why) => fail(v, why));
        if (typeof v === 'bigint') return v.toString();
        if (typeof v === 'boolean') return family === 'mysql' ? (v ? '1' : '0') : (v ? 'true' : 'false');
        if (v instanceof Uint8Array) {
          // A uuid carried to a text column keeps its usual spelling; other bytes must be UTF-8.
          if (v.length === 16 && target.kind === 'string' && /char/.test(target.dataType) && /\(36\)/.test(target.sqlType)) return uuidText(v);
          try {
            return UTF8.decode(v);
          } catch {
            return fail(v, 'bytes that are not UTF-8 text');
          }
        }
        return fail(v, 'not text');
      };
    case 'date':
      return (v) => {
        if (typeof v === 'number' && Number.isInteger(v)) return formatDate(v);
        if (typeof v === 'bigint') {
          if (v % 86_400_000_000n !== 0n) return fail(v, 'a date and time with a time of day other than midnight');
          return formatDate(Number(v / 86_400_000_000n));
        }
        return fail(v, 'not a date');
      };
    case 'datetime':
      return (v) => {
        if (typeof v === 'bigint') return formatDatetime(v, fsp);
        if (typeof v === 'number' && Number.isInteger(v)) return `${formatDate(v)} 00:00:00`;
        return fail(v, 'not a date and time');
      };
    case 'time':
      return (v) => {
        if (typeof v === 'bigint') return formatTime(v, fsp);
        return fail(v, 'not a time');
      };
  }
}
