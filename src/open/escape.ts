/**
 * Path segments of the open view (formats/open.md §3): reversible, and safe on every file
 * system a snapshot is checked out on (Linux, macOS's case-insensitive APFS/HFS+, Windows NTFS),
 * and in git trees.
 *
 * Every segment is built from bytes: a byte is kept when it is in the segment's keep-set and
 * written `%XX` (upper-case hex) otherwise, so `%` never stands for itself and unescaping is
 * unambiguous. Text key values keep no upper-case letters, because two key values that differ
 * only in case must not land in the same folder on a case-insensitive file system (the canonical
 * texts of other kinds have one fixed case: `T` of a datetime, `NaN`). Names that
 * Windows reserves (`CON`, `aux.txt`, …) and names with a trailing `.` get one more character
 * escaped.
 */
import { createHash } from 'node:crypto';

const HEX = '0123456789ABCDEF';

/** Bytes kept in names (attributes, attachment files): `A-Z a-z 0-9 _ - # ~ . + , @ =`. */
function nameByte(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) ||
    b === 0x5f || b === 0x2d || b === 0x23 || b === 0x7e || b === 0x2e || b === 0x2b || b === 0x2c || b === 0x40 || b === 0x3d;
}

/** Bytes kept in text key values: the name set without upper case. */
function textKeyByte(b: number): boolean {
  return nameByte(b) && !(b >= 0x41 && b <= 0x5a);
}

function pct(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

function escapeBytes(bytes: Uint8Array, keep: (b: number) => boolean): string {
  let out = '';
  for (const b of bytes) out += keep(b) ? String.fromCharCode(b) : pct(b);
  return out;
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** Windows device names, reserved with any extension (`aux.npy` too). */
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * The last guards for a whole file or folder name: a reserved device name gets its first
 * character escaped, a trailing `.` (dropped by Windows) and git's `git~1` alias too.
 */
function guardName(segment: string): string {
  let s = segment;
  const dot = s.indexOf('.');
  if (DEVICE.test(dot < 0 ? s : s.slice(0, dot))) s = pct(s.charCodeAt(0)) + s.slice(1);
  if (s.endsWith('.')) s = `${s.slice(0, -1)}%2E`;
  if (s.toLowerCase() === 'git~1') s = `${s.slice(0, 3)}%7E1`;
  return s;
}

/**
 * An attribute (column) name as the stem of its open files: `.` is escaped too, so that
 * `<attribute>.<n>.npy` of one attribute can never be the file of another.
 */
export function escapeAttribute(name: string): string {
  if (name === '') return '%';
  return guardName(escapeBytes(utf8(name), (b) => b !== 0x2e && nameByte(b)));
}

/** An attachment's original file name (its stored bytes, which need not be UTF-8). */
export function escapeFileName(name: Uint8Array | string): string {
  const bytes = typeof name === 'string' ? utf8(name) : name;
  if (bytes.length === 0) return '%';
  let s = escapeBytes(bytes, nameByte);
  if (s.startsWith('.')) s = `%2E${s.slice(1)}`;
  return guardName(s);
}

/** Escaped key values longer than this are shortened (a file name may have 255 bytes). */
export const KEY_VALUE_MAX = 128;
/** …to this many escaped bytes, then `%%` and 32 hex digits of SHA-256 of the value text. */
export const KEY_VALUE_KEEP = 96;

/**
 * `<attribute>=<value>`: one primary-key attribute and the canonical text of its value.
 * `textual`: the value is free text (string, text and json kinds), whose upper case is escaped.
 */
export function keySegment(attribute: string, valueText: string, textual: boolean): string {
  const bytes = utf8(valueText);
  let value = escapeBytes(bytes, textual ? textKeyByte : nameByte);
  if (value.length > KEY_VALUE_MAX) {
    let cut = KEY_VALUE_KEEP;
    // never split a %XX escape
    const pctAt = value.lastIndexOf('%', cut - 1);
    if (pctAt >= 0 && pctAt > cut - 3) cut = pctAt;
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
    value = `${value.slice(0, cut)}%%${digest}`;
  } else if (value.endsWith('.')) {
    value = `${value.slice(0, -1)}%2E`;
  }
  return `${escapeAttribute(attribute)}=${value}`;
}

/** The bytes a segment stands for (inverse of the escapes above, for any of them). */
export function unescapeSegment(segment: string): Uint8Array {
  if (segment === '%') return new Uint8Array(0);
  const out: number[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c === 0x25) {
      const hex = segment.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new RangeError(`"${segment}" is not an escaped segment (bad % escape at ${i})`);
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(c);
    }
  }
  return Uint8Array.from(out);
}

export interface ParsedKeySegment {
  attribute: string;
  /** The value's canonical text; for a shortened segment only its first part. */
  text: string;
  /** True when the value was shortened (`%%` + hash): the index maps the row exactly. */
  shortened: boolean;
}

/** Reads a `<attribute>=<value>` segment back. */
export function parseKeySegment(segment: string): ParsedKeySegment {
  const eq = segment.indexOf('=');
  if (eq < 0) throw new RangeError(`"${segment}" is not a key segment (no "=")`);
  const decode = (s: string): string => Buffer.from(unescapeSegment(s)).toString('utf8');
  let value = segment.slice(eq + 1);
  const cut = value.indexOf('%%');
  const shortened = cut >= 0;
  if (shortened) value = value.slice(0, cut);
  return { attribute: decode(segment.slice(0, eq) || '%'), text: value === '' ? '' : decode(value), shortened };
}
