/**
 * Raw driver values (db/types.ts `RawValue`) → canonical values (values/kinds.ts). One
 * normaliser per column, chosen once per table, so the per-row loop is a plain function call.
 * Anything that cannot be represented exactly is an error naming the column and the value:
 * an export never loses data silently.
 */
import type { Family, RawValue } from '../db/types.js';
import { InputError } from '../errors/base.js';
import type { CValue, ValueKind } from './kinds.js';
import { daysFromCivil, parseDate, parseDatetime, parseTime } from './temporal.js';

export type Normalizer = (raw: RawValue) => CValue;

export interface NormalizeColumn {
  /** `schema.table.column`, for error messages */
  where: string;
  kind: ValueKind;
  /** lower-case SQL base type (`character`, `tinyint`, …) */
  dataType: string;
  scale?: number;
}

export function normalizerFor(family: Family, col: NormalizeColumn): Normalizer {
  const bad = (raw: RawValue, why: string): never => {
    throw new InputError('unrepresentable_value',
      `${col.where}: value ${preview(raw)} cannot be carried exactly as ${col.kind} (${why}). Fix the value in the database or report this column type.`,
      { column: col.where, kind: col.kind });
  };
  const nullable = (f: (raw: Exclude<RawValue, null>) => CValue): Normalizer =>
    (raw) => (raw === null || raw === undefined ? null : f(raw));

  switch (col.kind) {
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32':
      return nullable((raw) => {
        const n = typeof raw === 'number' ? raw : Number(String(raw));
        return Number.isInteger(n) ? n : bad(raw, 'not an integer');
      });
    case 'int64': case 'uint64':
      return nullable((raw) => {
        try {
          return BigInt(typeof raw === 'number' ? raw : String(raw));
        } catch {
          return bad(raw, 'not an integer');
        }
      });
    case 'float32':
      return nullable((raw) => Math.fround(typeof raw === 'number' ? raw : parseFloat(String(raw))));
    case 'float64':
      return nullable((raw) => (typeof raw === 'number' ? raw : parseFloat(String(raw))));
    case 'decimal': {
      const scale = col.scale ?? 0;
      return nullable((raw) => (typeof raw === 'string' && isCanonicalDecimal(raw, scale) ? raw
        : canonicalDecimal(String(raw), scale) ?? bad(raw, `not a decimal with scale ${scale}`)));
    }
    case 'bool':
      return nullable((raw) => {
        if (typeof raw === 'boolean') return raw;
        const n = Number(raw);
        // A bool column that holds 2 was written around DataJoint; mapping it to true would lose it.
        return n === 0 ? false : n === 1 ? true : bad(raw, 'a bool column holding a value other than 0 or 1');
      });
    case 'string':
      if (family === 'postgres' && col.dataType === 'character') {
        // PostgreSQL pads char(n) with spaces; MySQL strips them. The canonical form is stripped.
        return nullable((raw) => String(raw).replace(/ +$/, ''));
      }
      return nullable((raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)));
    case 'bytes':
      return nullable((raw) => (Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8')));
    case 'uuid':
      return nullable((raw) => {
        if (Buffer.isBuffer(raw)) return raw.length === 16 ? raw : bad(raw, 'not 16 bytes');
        const hex = String(raw).replace(/-/g, '');
        return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : bad(raw, 'not a uuid');
      });
    case 'json':
      return nullable((raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : JSON.stringify(raw)));
    case 'date':
      return nullable((raw) => parseDate(String(raw)) ?? bad(raw, 'not a calendar date (zero dates and BC dates are not supported)'));
    case 'datetime':
      return nullable((raw) => (typeof raw === 'string' ? simpleDatetime(raw) : undefined) ?? parseDatetime(String(raw))
        ?? bad(raw, 'not a date and time (zero dates and BC dates are not supported)'));
    case 'time':
      return nullable((raw) => parseTime(String(raw)) ?? bad(raw, 'not a time of the form [-]HH:MM:SS[.ffffff]'));
    case 'text':
      return nullable((raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)));
  }
}

/**
 * True when `t` already is canonicalDecimal's result for `scale` (what servers send for a
 * DECIMAL(p, scale) column), so the common case skips the regular expression and new strings;
 * with `precision`, also no more integer digits than DECIMAL(precision, scale) holds.
 */
export function isCanonicalDecimal(t: string, scale: number, precision = Infinity): boolean {
  const n = t.length;
  let i = t.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const point = scale > 0 ? n - scale - 1 : n;
  const intLen = point - i;
  if (intLen < 1 || intLen > Math.max(1, precision - scale)) return false;
  if (intLen > 1 && t.charCodeAt(i) === 48) return false;
  if (precision === scale && t.charCodeAt(i) !== 48) return false;
  if (scale > 0 && t.charCodeAt(point) !== 46) return false;
  let nonZero = false;
  for (; i < n; i++) {
    if (i === point) continue;
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    if (c !== 48) nonZero = true;
  }
  // "-0.00" is not canonical (canonicalDecimal drops the sign of zero).
  return nonZero || t.charCodeAt(0) !== 45;
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(t: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * parseDatetime's result for the shape every server sends, `YYYY-MM-DD HH:MM:SS[.f{1,6}]`
 * (optionally `+00`), without a regular expression; undefined for any other text, which then
 * goes to parseDatetime (the one definition of what is accepted).
 */
function simpleDatetime(t: string): bigint | null | undefined {
  let n = t.length;
  if (n > 22 && t.charCodeAt(n - 3) === 43 && t.charCodeAt(n - 2) === 48 && t.charCodeAt(n - 1) === 48) n -= 3; // "+00"
  if (n < 19 || n === 20 || n > 26) return undefined;
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || (t.charCodeAt(10) !== 32 && t.charCodeAt(10) !== 84) ||
    t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || (n > 19 && t.charCodeAt(19) !== 46)) return undefined;
  const y = digits(t, 0, 4);
  const mo = digits(t, 5, 7);
  const d = digits(t, 8, 10);
  const h = digits(t, 11, 13);
  const mi = digits(t, 14, 16);
  const s = digits(t, 17, 19);
  let frac = n > 19 ? digits(t, 20, n) : 0;
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || frac < 0) return undefined;
  for (let k = n - 20; k > 0 && k < 6; k++) frac *= 10;
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo] || h > 23 || mi > 59 || s > 59) return null;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return null;
  const seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  const us = seconds * 1_000_000 + frac;
  return Number.isSafeInteger(us) ? BigInt(us) : BigInt(seconds) * 1_000_000n + BigInt(frac);
}

/** Exact decimal text with exactly `scale` fraction digits, or null if it is not a finite decimal. */
export function canonicalDecimal(text: string, scale: number): string | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = m[3] ?? '';
  // More digits than the scale is only fine when the extra ones are zeros.
  if (frac.length > scale && /[^0]/.test(frac.slice(scale))) return null;
  const intPart = m[2].replace(/^0+(?=\d)/, '') || '0';
  const fracPart = frac.slice(0, scale).padEnd(scale, '0');
  const negative = m[1] === '-' && /[1-9]/.test(intPart + fracPart);
  return `${negative ? '-' : ''}${intPart}${scale > 0 ? '.' + fracPart : ''}`;
}

function preview(raw: RawValue): string {
  const s = Buffer.isBuffer(raw) ? `0x${raw.subarray(0, 16).toString('hex')}${raw.length > 16 ? '…' : ''}` : JSON.stringify(raw);
  return s.length > 60 ? s.slice(0, 60) + '…' : s;
}
