/**
 * Raw driver values (db/types.ts `RawValue`) → canonical values (values/kinds.ts). One
 * normaliser per column, chosen once per table, so the per-row loop is a plain function call.
 * Anything that cannot be represented exactly is an error naming the column and the value:
 * an export never loses data silently.
 */
import type { Family, RawValue } from '../db/types.js';
import { InputError } from '../errors/base.js';
import type { CValue, ValueKind } from './kinds.js';
import { parseDate, parseDatetime, parseTime } from './temporal.js';

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
      return nullable((raw) => canonicalDecimal(String(raw), scale) ?? bad(raw, `not a decimal with scale ${scale}`));
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
      return nullable((raw) => parseDatetime(String(raw)) ?? bad(raw, 'not a date and time (zero dates and BC dates are not supported)'));
    case 'time':
      return nullable((raw) => parseTime(String(raw)) ?? bad(raw, 'not a time of the form [-]HH:MM:SS[.ffffff]'));
    case 'text':
      return nullable((raw) => (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)));
  }
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
