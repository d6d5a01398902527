/**
 * The canonical text of a primary-key value (formats/open.md §3.2), used in open-view paths and
 * by `dj-cat --key`: one spelling per value, readable, and parsed back to the exact canonical
 * value (values/kinds.ts) of its kind.
 */
import type { CValue, ValueKind } from '../values/kinds.js';
import { canonicalDecimal } from '../values/normalize.js';
import { formatDate, formatTime, parseDate, parseTime } from '../values/temporal.js';

const US_PER_DAY = 86_400_000_000n;

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function uuidText(b: Uint8Array): string {
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff` (always six fraction digits). */
export function datetimeText(us: bigint): string {
  let days = us / US_PER_DAY;
  let rest = us % US_PER_DAY;
  if (rest < 0n) {
    rest += US_PER_DAY;
    days -= 1n;
  }
  return `${formatDate(Number(days))}T${formatTime(rest, 6)}`;
}

/** A float's shortest round-trip decimal text; `-0`, `NaN`, `Infinity`, `-Infinity` spelled out. */
function floatText(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Kinds whose canonical text is free text (any characters, any case). */
export function isTextKind(kind: ValueKind): boolean {
  return kind === 'string' || kind === 'text' || kind === 'json';
}

/** The canonical text of a non-null value of `kind`. */
export function keyText(kind: ValueKind, value: CValue): string {
  if (value === null) throw new TypeError('a primary-key value is never NULL');
  switch (kind) {
    case 'int8': case 'int16': case 'int32': case 'int64':
    case 'uint8': case 'uint16': case 'uint32': case 'uint64':
      return String(value);
    case 'float32': case 'float64':
      return floatText(value as number);
    case 'bool':
      return value ? 'true' : 'false';
    case 'bytes':
      return hex(value as Uint8Array);
    case 'uuid':
      return uuidText(value as Uint8Array);
    case 'date':
      return formatDate(value as number);
    case 'datetime':
      return datetimeText(value as bigint);
    case 'time':
      return formatTime(value as bigint, 6);
    case 'decimal': case 'string': case 'json': case 'text':
      return value as string;
  }
}

const INT_RANGE: Partial<Record<ValueKind, [bigint, bigint]>> = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n], uint16: [0n, 65535n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n],
};

/**
 * The canonical value that `text` spells for a column of `kind` (and decimal `scale`), or a
 * string saying what is wrong. Accepts the canonical text and a few obvious variants (a
 * datetime with a space or fewer fraction digits, upper-case hex, 1/0 for booleans).
 */
export function parseKeyText(kind: ValueKind, text: string, scale = 0): CValue | { error: string } {
  const fail = (what: string) => ({ error: `"${text}" is not ${what}` });
  switch (kind) {
    case 'int8': case 'int16': case 'int32': case 'int64':
    case 'uint8': case 'uint16': case 'uint32': case 'uint64': {
      if (!/^[-+]?\d+$/.test(text)) return fail(`an integer (${kind})`);
      const v = BigInt(text);
      const [lo, hi] = INT_RANGE[kind]!;
      if (v < lo || v > hi) return fail(`in the range of ${kind} (${lo} … ${hi})`);
      return kind === 'int64' || kind === 'uint64' ? v : Number(v);
    }
    case 'float32': case 'float64': {
      const v = text === '-0' ? -0 : Number(text);
      if (text.trim() === '' || (Number.isNaN(v) && text !== 'NaN')) return fail(`a number (${kind})`);
      return kind === 'float32' ? Math.fround(v) : v;
    }
    case 'bool':
      if (/^(true|1)$/i.test(text)) return true;
      if (/^(false|0)$/i.test(text)) return false;
      return fail('a boolean (true or false)');
    case 'bytes':
      if (!/^([0-9a-fA-F]{2})*$/.test(text)) return fail('hex bytes');
      return new Uint8Array(Buffer.from(text, 'hex'));
    case 'uuid': {
      const h = text.replace(/-/g, '');
      if (!/^[0-9a-fA-F]{32}$/.test(h)) return fail('a UUID (8-4-4-4-12 hex digits)');
      return new Uint8Array(Buffer.from(h, 'hex'));
    }
    case 'date': {
      const d = /^\d{4,}-\d{2}-\d{2}$/.test(text) ? parseDate(text) : null;
      return d === null ? fail('a date (YYYY-MM-DD)') : d;
    }
    case 'datetime': {
      const m = /^(\d{4,}-\d{2}-\d{2})[T ](.+)$/.exec(text);
      const day = m ? parseDate(m[1]) : null;
      const clock = m ? parseTime(m[2]) : null;
      if (day === null || clock === null || clock < 0n || clock >= US_PER_DAY) return fail('a datetime (YYYY-MM-DDTHH:MM:SS[.ffffff])');
      return BigInt(day) * US_PER_DAY + clock;
    }
    case 'time': {
      const t = parseTime(text);
      return t === null ? fail('a time ([-]HH:MM:SS[.ffffff])') : t;
    }
    case 'decimal': {
      const d = canonicalDecimal(text, scale);
      return d === null ? fail(`a decimal with at most ${scale} fraction digits`) : d;
    }
    case 'string': case 'json': case 'text':
      return text;
  }
}

/** Equality of two canonical values of one kind (bytes by content). */
export function sameKeyValue(a: CValue, b: CValue): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
  return a === b;
}
