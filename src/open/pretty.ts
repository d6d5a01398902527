/**
 * Human-readable text of a decoded value (what `dj-cat` prints): arrays with dtype, shape and a
 * NumPy-like preview (long axes summarised as NumPy does above 1000 elements), containers
 * indented one entry per line, short ones inline in Python notation, attachments as name, size
 * and their first bytes.
 */
import {
  type BlobValue, type NumericArray, charArrayText, datetimeUnit, elementCount, isComplexDtype, isDatetimeDtype,
  uuidToString, withOrder,
} from '../blob/index.js';
import type { OpenValue } from './stored-value.js';

/** NumPy's print options: summarise above this many elements, keeping this many at each end. */
const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;
const INLINE_MAX = 72;

const pad2 = (n: number | bigint | string, w = 2): string => String(n).padStart(w, '0');

/** Python's repr of a float (shortest round trip, `1.0`, `nan`, `inf`, `1e+20`). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Object.is(x, -0)) return '-0.0';
  let s = String(x);
  if (/e/.test(s)) s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  else if (!s.includes('.')) s += '.0';
  return s;
}

/** Shortest decimal that reads back as the same float32. */
function float32Text(x: number): string {
  if (!Number.isFinite(x) || x === 0) return pyFloat(x);
  for (let p = 1; p <= 9; p++) {
    const t = Number(x.toPrecision(p));
    if (Math.fround(t) === x) return pyFloat(t);
  }
  return pyFloat(x);
}

function pyString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${pad2(c.toString(16))}`;
    else out += ch;
  }
  return out + quote;
}

function pyBytes(b: Uint8Array, max = 64): string {
  let out = "b'";
  for (const x of b.subarray(0, max)) {
    if (x === 0x27 || x === 0x5c) out += `\\${String.fromCharCode(x)}`;
    else if (x === 0x0a) out += '\\n';
    else if (x >= 0x20 && x < 0x7f) out += String.fromCharCode(x);
    else out += `\\x${pad2(x.toString(16))}`;
  }
  return `${out}'${b.length > max ? `… (${b.length} bytes)` : ''}`;
}

function isoDate(y: number, m: number, d: number): string {
  return `${pad2(y, 4)}-${pad2(m)}-${pad2(d)}`;
}

function isoTime(h: number, mi: number, s: number, us: number): string {
  return `${pad2(h)}:${pad2(mi)}:${pad2(s)}${us ? `.${pad2(us, 6)}` : ''}`;
}

const NAT = -(2n ** 63n);
const UNIT_US: Record<string, bigint> = { D: 86_400_000_000n, h: 3_600_000_000n, m: 60_000_000n, s: 1_000_000n, ms: 1000n, us: 1n };

/** A datetime64 element as NumPy prints it (ISO), or the raw count for units finer than µs. */
function datetimeElement(v: bigint, unit: string): string {
  if (v === NAT) return 'NaT';
  if (unit === 'Y') return String(1970n + v);
  if (unit === 'M') {
    const y = 1970n + (v >= 0n ? v / 12n : -((-v + 11n) / 12n));
    return `${y}-${pad2(v - (y - 1970n) * 12n + 1n)}`;
  }
  let us: bigint;
  if (unit === 'W') us = v * 7n * UNIT_US.D;
  else if (unit === 'ns') us = v / 1000n - (v % 1000n < 0n ? 1n : 0n);
  else if (UNIT_US[unit] !== undefined) us = v * UNIT_US[unit];
  else return `${v} ${unit}`;
  const day = UNIT_US.D;
  const days = us >= 0n ? us / day : -((-us + day - 1n) / day);
  const rest = us - days * day;
  const t = new Date(Number(days) * 86_400_000);
  const date = isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  if (unit === 'D' || unit === 'W') return date;
  const sec = Number(rest / 1_000_000n);
  const frac = unit === 'ns' ? `.${pad2((v % 1_000_000_000n + 1_000_000_000n) % 1_000_000_000n, 9)}` : '';
  return `${date}T${isoTime(Math.floor(sec / 3600), Math.floor(sec / 60) % 60, sec % 60, frac ? 0 : Number(rest % 1_000_000n))}${frac}`;
}

/** Element texts of a numeric array in C order. */
function elementTexts(a: NumericArray): (i: number) => string {
  const c = withOrder(a, 'C');
  const d = c.data;
  if (a.dtype === 'bool') return (i) => (d[i] ? 'True' : 'False');
  if (a.dtype === 'char') return (i) => pyString(String.fromCharCode(d[i] as number));
  if (isDatetimeDtype(a.dtype)) {
    const unit = datetimeUnit(a.dtype);
    return (i) => `'${datetimeElement(d[i] as bigint, unit)}'`;
  }
  const real = (x: number | bigint): string => (typeof x === 'bigint' ? String(x)
    : a.dtype === 'float32' || a.partDtype === 'float32' ? float32Text(x) : a.dtype === 'float64' || isComplexDtype(a.dtype) ? pyFloat(x) : String(x));
  if (isComplexDtype(a.dtype)) {
    const im = c.imag!;
    return (i) => {
      const imText = real(im[i]);
      return `(${real(d[i])}${imText.startsWith('-') ? '' : '+'}${imText}j)`;
    };
  }
  return (i) => real(d[i]);
}

/** NumPy-style nested brackets, columns aligned, long axes summarised. */
function arrayBody(shape: readonly number[], text: (i: number) => string, indent: string): string {
  const size = elementCount(shape);
  if (shape.length === 0) return text(0);
  const summarise = size > SUMMARY_THRESHOLD;
  const strides = shape.map((_, k) => elementCount(shape.slice(k + 1)));
  const shown = (n: number): (number | null)[] => (summarise && n > 2 * EDGE_ITEMS
    ? [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), null, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)]
    : Array.from({ length: n }, (_, i) => i));
  // width of every element that will be printed, for alignment
  let width = 0;
  const visit = (dim: number, offset: number): void => {
    for (const i of shown(shape[dim])) {
      if (i === null) continue;
      if (dim === shape.length - 1) width = Math.max(width, text(offset + i).length);
      else visit(dim + 1, offset + i * strides[dim]);
    }
  };
  visit(0, 0);
  const render = (dim: number, offset: number, pad: string): string => {
    const items = shown(shape[dim]);
    if (dim === shape.length - 1) {
      const lines: string[] = [];
      let line = '';
      for (const i of items) {
        const t = i === null ? '...' : text(offset + i).padStart(width);
        const piece = line ? `, ${t}` : t;
        if (line && pad.length + line.length + piece.length + 2 > LINE_WIDTH) {
          lines.push(`${line},`);
          line = t;
        } else {
          line += piece;
        }
      }
      lines.push(line);
      return `[${lines.join(`\n${pad} `)}]`;
    }
    const inner = items.map((i) => (i === null ? '...' : render(dim + 1, offset + i * strides[dim], `${pad} `)));
    const sep = `,${'\n'.repeat(shape.length - dim - 1)}${pad} `;
    return `[${inner.join(sep)}]`;
  };
  return render(0, 0, indent);
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** One-line Python notation of small values; null when the value needs a block. */
function inline(v: BlobValue): string | null {
  switch (v.type) {
    case 'none': return 'None';
    case 'bool': return v.value ? 'True' : 'False';
    case 'int': return String(v.value);
    case 'float': return pyFloat(v.value);
    case 'complex': return `(${pyFloat(v.re)}${v.im < 0 || Object.is(v.im, -0) ? '' : '+'}${pyFloat(v.im)}j)`;
    case 'str': return pyString(v.value);
    case 'bytes': return pyBytes(v.value);
    case 'decimal': return `Decimal('${v.value}')`;
    case 'date': return `date ${isoDate(v.year, v.month, v.day)}`;
    case 'time': return `time ${isoTime(v.hour, v.minute, v.second, v.microsecond)}`;
    case 'datetime': return `datetime ${isoDate(v.year, v.month, v.day)}T${isoTime(v.hour, v.minute, v.second, v.microsecond)}`;
    case 'uuid': return `UUID('${uuidToString(v)}')`;
    case 'list': case 'tuple': case 'set': {
      const parts = v.items.map(inline);
      if (parts.some((p) => p === null)) return null;
      const body = parts.join(', ');
      const text = v.type === 'list' ? `[${body}]` : v.type === 'tuple' ? `(${body}${parts.length === 1 ? ',' : ''})` : parts.length ? `{${body}}` : 'set()';
      return text.length <= INLINE_MAX ? text : null;
    }
    case 'dict': {
      const parts = v.entries.map(([k, x]) => {
        const a = inline(k);
        const b = inline(x);
        return a === null || b === null ? null : `${a}: ${b}`;
      });
      if (parts.some((p) => p === null)) return null;
      const text = `{${parts.join(', ')}}`;
      return text.length <= INLINE_MAX ? text : null;
    }
    case 'array':
      if (v.dtype === 'char' && (v.shape.length <= 1 || (v.shape.length === 2 && v.shape[0] === 1))) return `${pyString(charArrayText(v, 'utf16'))} (char ${shapeText(v.shape)})`;
      return null;
    default:
      return null;
  }
}

function lines(v: BlobValue, indent: string): string[] {
  const one = inline(v);
  if (one !== null) return [one];
  const next = `${indent}  `;
  const entry = (label: string, x: BlobValue): string[] => {
    const [first, ...rest] = lines(x, next);
    return [`${next}${label}${first}`, ...rest];
  };
  switch (v.type) {
    case 'list': case 'tuple': case 'set':
      return [`${v.type} (${v.items.length} item${v.items.length === 1 ? '' : 's'})`, ...v.items.flatMap((x, i) => entry(`[${i}] `, x))];
    case 'dict':
      return [`dict (${v.entries.length} item${v.entries.length === 1 ? '' : 's'})`,
        ...v.entries.flatMap(([k, x]) => entry(`${inline(k) ?? `<${k.type}>`}: `, x))];
    case 'record':
      return [`record array (${v.fields.length} fields)`, ...v.fields.flatMap((f) => entry(`${f.name}: `, f.value))];
    case 'cell': {
      const c = withOrder(v, 'C');
      return [`cell array, shape ${shapeText(v.shape)}`, ...c.items.flatMap((x, i) => entry(`[${i}] `, x))];
    }
    case 'struct': {
      const s = withOrder(v, 'C');
      return [`struct array, shape ${shapeText(v.shape)}, fields ${v.fields.join(', ')}`,
        ...s.elements.flatMap((row, i) => row.flatMap((x, j) => entry(`[${i}].${v.fields[j]}: `, x)))];
    }
    case 'array': {
      if (v.dtype === 'object') {
        const c = withOrder(v, 'C');
        return [`object array, shape ${shapeText(v.shape)}`, ...c.data.flatMap((x, i) => entry(`[${i}] `, x))];
      }
      const head = `${v.dtype} array, shape ${shapeText(v.shape)}${v.dtype === 'char' ? ` (text ${pyString(charArrayText(v, 'utf16'))})` : ''}`;
      return [head, ...arrayBody(v.shape, elementTexts(v), next).split('\n').map((l, i) => (i === 0 ? `${next}${l}` : l))];
    }
    default:
      return [`<${v.type}>`];
  }
}

/** Text of a decoded blob value. */
export function formatBlobValue(v: BlobValue): string {
  return lines(v, '').join('\n');
}

function attachmentPreview(contents: Uint8Array): string[] {
  const head = contents.subarray(0, 1024);
  const text = Buffer.from(head).toString('utf8');
  const printable = !text.includes('\uFFFD') && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
  if (printable) {
    const shown = text.replace(/\n$/, '').split('\n').slice(0, 20);
    return [`first ${Math.min(head.length, contents.length)} bytes as text:`, ...shown.map((l) => `  ${l}`)];
  }
  const out = [`first ${Math.min(64, contents.length)} bytes:`];
  for (let o = 0; o < Math.min(64, contents.length); o += 16) {
    const row = contents.subarray(o, Math.min(o + 16, 64, contents.length));
    const hex = Array.from(row, (b) => pad2(b.toString(16))).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`  ${pad2(o.toString(16), 8)}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return out;
}

/** Text of what the open view shows for one value. */
export function formatOpenValue(value: OpenValue): string {
  switch (value.kind) {
    case 'none': return 'NULL';
    case 'error': return `cannot be decoded: ${value.message}`;
    case 'blob': return formatBlobValue(value.value);
    case 'attachment': {
      const name = Buffer.from(value.name).toString('utf8');
      const size = value.contents.length;
      return [`attachment ${pyString(name)}, ${size} byte${size === 1 ? '' : 's'}`, ...(size ? attachmentPreview(value.contents) : [])].join('\n');
    }
  }
}
