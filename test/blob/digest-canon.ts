/**
 * Test-only emulation of the harness digest (../shared/datajoint-harness/digest.py: `canon`,
 * `canon_array`, `digest_table`) over our decoded values, so that the decoder and
 * canonicalArrayHash can be checked against the content hashes DataJoint itself produced.
 * Covers what the corpora's blob tables hold; anything else throws.
 */
import { createHash } from 'node:crypto';
import {
  type BlobValue, type NumericArray, canonicalArrayHash, uuidToString, withOrder,
} from '../../src/blob/index.js';

/** A Python value that json.dumps can print: bigint is a Python int. */
export type PyJson = null | boolean | bigint | string | PyJson[] | { [k: string]: PyJson };

/** Python's `repr(float)`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expText] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = parseInt(expText, 10);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1) || '0';
  return `${sign}${intPart}.${frac}`;
}

/** Python's `json.dumps(v, sort_keys=True, ensure_ascii=…, separators=…)`. */
export function pyJsonDumps(v: PyJson, opts: { ensureAscii?: boolean; compact?: boolean } = {}): string {
  const [comma, colon] = opts.compact ? [',', ':'] : [', ', ': '];
  const s = (x: PyJson): string => {
    if (x === null) return 'null';
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'string') return pyString(x, opts.ensureAscii ?? true);
    if (Array.isArray(x)) return `[${x.map(s).join(comma)}]`;
    const keys = Object.keys(x).sort(byCodePoint);
    return `{${keys.map((k) => `${pyString(k, opts.ensureAscii ?? true)}${colon}${s(x[k])}`).join(comma)}}`;
  };
  return s(v);
}

function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function pyString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** digest.py `canon` of the Python value DataJoint decodes from a blob. */
export function canon(v: BlobValue): PyJson {
  switch (v.type) {
    case 'none': return null;
    case 'bool': return v.value;
    case 'int': return v.value;
    case 'float': return { $float: pyFloatRepr(v.value) };
    case 'complex': return { $complex: [pyFloatRepr(v.re), pyFloatRepr(v.im)] };
    case 'str': return v.value;
    case 'bytes':
      return v.value.length <= 64
        ? { $bytes: Buffer.from(v.value).toString('hex') }
        : { $bytes_sha256: sha256(v.value), len: BigInt(v.value.length) };
    case 'decimal': return { $decimal: v.value };
    case 'date': return { $date: `${pad(v.year, 4)}-${pad(v.month)}-${pad(v.day)}` };
    case 'time': return { $time: isoTime(v) };
    case 'datetime': return { $datetime: `${pad(v.year, 4)}-${pad(v.month)}-${pad(v.day)}T${isoTime(v)}` };
    case 'uuid': return { $uuid: uuidToString(v) };
    case 'list': return v.items.map(canon);
    case 'tuple': return { $tuple: v.items.map(canon) };
    case 'set': {
      const items = v.items.map(canon);
      const keyed = items.map((x) => [pyJsonDumps(x), x] as const).sort((a, b) => byCodePoint(a[0], b[0]));
      return { $set: keyed.map(([, x]) => x) };
    }
    case 'dict': return { $dict: v.entries.map(([k, x]) => [canon(k), canon(x)]) };
    case 'array': {
      if (v.dtype === 'object') {
        const c = withOrder(v, 'C');
        return { $array: '|O', shape: c.shape.map(BigInt), items: c.data.map(canon) };
      }
      if (v.shape.length === 0 && v.dtype !== 'char') return canonScalar(v);
      const h = canonicalArrayHash(v as NumericArray);
      return { $array: h.dtype, shape: h.shape.map(BigInt), sha256: h.sha256 };
    }
    case 'struct': {
      if (v.fields.length === 0) return { $array: '|O', shape: [], items: [null] };
      const c = withOrder(v, 'C');
      const fields: Record<string, PyJson> = {};
      v.fields.forEach((name, j) => {
        fields[name] = { $array: '|O', shape: c.shape.map(BigInt), items: c.elements.map((row) => canon(row[j])) };
      });
      return { $array: `|V${8 * v.fields.length}`, shape: c.shape.map(BigInt), class: 'MatStruct', fields, names: v.fields };
    }
    case 'record': {
      const out = canonRecord(v);
      return { ...out, class: 'recarray' };
    }
    case 'cell': {
      const c = withOrder(v, 'C');
      const shape = c.items.length === 0 ? [0n] : c.shape.map(BigInt); // DataJoint returns an empty cell as shape (0,)
      return { $array: '|O', shape, class: 'MatCell', items: c.items.map(canon) };
    }
  }
}

/** read_array turns a 0-d array into a NumPy scalar (read_value returns data[0] for count 1). */
function canonScalar(a: NumericArray): PyJson {
  const h = canonicalArrayHash(a);
  const x = a.data[0];
  if (a.dtype === 'bool') return x !== 0;
  // np.float64 subclasses float, so canon() takes repr(), which NumPy 2 spells np.float64(…)
  if (a.dtype === 'float64') return { $float: `np.float64(${pyFloatRepr(x as number)})` };
  let item: PyJson;
  if (a.dtype === 'complex64' || a.dtype === 'complex128') {
    item = { $complex: [pyFloatRepr(Number(x)), pyFloatRepr(Number((a.imag as NumericArray['data'])[0]))] };
  } else if (a.dtype.startsWith('datetime64')) {
    item = datetimeItem(x as bigint, a.dtype.slice(11, -1));
  } else if (typeof x === 'bigint') {
    item = x;
  } else if (a.dtype === 'float32') {
    item = { $float: pyFloatRepr(x) };
  } else {
    item = BigInt(x);
  }
  return { $scalar: h.dtype, v: item };
}

/** numpy datetime64.item(): date for Y..D, datetime for h..us, int below, None for NaT. */
function datetimeItem(v: bigint, unit: string): PyJson {
  if (v === -(2n ** 63n)) return null;
  const DAY = 86_400_000_000n;
  let days: bigint | undefined;
  let us: bigint | undefined;
  if (unit === 'Y') return v < -1969n || v > 8029n ? v : dateOrInt(Date.UTC(1970 + Number(v), 0, 1), v);
  if (unit === 'M') return v < -23628n || v > 96371n ? v : dateOrInt(Date.UTC(1970, Number(v), 1), v);
  if (unit === 'W') days = 7n * v;
  else if (unit === 'D') days = v;
  else {
    const per: Record<string, bigint> = { h: 3_600_000_000n, m: 60_000_000n, s: 1_000_000n, ms: 1000n, us: 1n };
    if (!(unit in per)) return v;
    us = v * per[unit];
  }
  if (days !== undefined) return days < -719162n || days > 2932896n ? v : dateOrInt(Number(days) * 86_400_000, v);
  if (us! < -719162n * DAY || us! >= 2932897n * DAY) return v;
  const d = us! >= 0n ? us! / DAY : -((-us! + DAY - 1n) / DAY);
  const rest = us! - d * DAY;
  const t = new Date(Number(d) * 86_400_000);
  const y = t.getUTCFullYear();
  if (y < 1 || y > 9999) return v;
  const sec = Number(rest / 1_000_000n);
  return { $datetime: `${pad(y, 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${isoTime({
    hour: Math.floor(sec / 3600), minute: Math.floor(sec / 60) % 60, second: sec % 60, microsecond: Number(rest % 1_000_000n),
  })}` };
}

function dateOrInt(ms: number, v: bigint): PyJson {
  const t = new Date(ms);
  const y = t.getUTCFullYear();
  if (y < 1 || y > 9999) return v;
  return { $date: `${pad(y, 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` };
}

/** read_recarray: a structured array of the first field's shape, one field per item. */
function canonRecord(v: BlobValue & { type: 'record' }): { [k: string]: PyJson } {
  if (v.fields.length === 0) return { $array: '|O', shape: [], items: [null] };
  let size = 0;
  const fields: Record<string, PyJson> = {};
  let shape: PyJson = [];
  v.fields.forEach((f, i) => {
    const c = (f.value.type === 'record' ? canonRecord(f.value) : canon(f.value)) as { [k: string]: PyJson };
    if (i === 0) shape = c.shape;
    size += itemSize(f.value);
    fields[f.name] = c;
  });
  return { $array: `|V${size}`, shape, fields, names: v.fields.map((f) => f.name) };
}

function itemSize(v: BlobValue): number {
  if (v.type === 'record') return v.fields.reduce((n, f) => n + itemSize(f.value), 0);
  if (v.type !== 'array' || v.dtype === 'object') throw new Error('digest emulation does not cover this record field');
  const d = canonicalArrayHash(v as NumericArray).dtype;
  const m = /^[<|>][a-zA-Z](\d+)/.exec(d)!;
  return d[1] === 'U' ? 4 * Number(m[1]) : Number(m[1]);
}

function isoTime(t: { hour: number; minute: number; second: number; microsecond: number }): string {
  const base = `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
  return t.microsecond ? `${base}.${pad(t.microsecond, 6)}` : base;
}

/** networkx `Graph(edge_list)` as digest.py canonicalises it (nodes, then EdgeView order). */
export function canonGraph(edgeList: BlobValue): PyJson {
  if (edgeList.type !== 'list') throw new Error('graph codec stores a list of edges');
  const key = (x: BlobValue): string => pyJsonDumps(canon(x));
  const nodes = new Map<string, BlobValue>();
  const adj = new Map<string, Map<string, BlobValue>>();
  for (const e of edgeList.items) {
    if (e.type !== 'tuple' || e.items.length !== 2) throw new Error('an edge is a 2-tuple');
    const [u, w] = e.items;
    for (const n of [u, w]) if (!nodes.has(key(n))) { nodes.set(key(n), n); adj.set(key(n), new Map()); }
    adj.get(key(u))!.set(key(w), w);
    adj.get(key(w))!.set(key(u), u);
  }
  const edges: PyJson[] = [];
  const seen = new Set<string>();
  for (const [k, n] of nodes) {
    for (const [nk, nbr] of adj.get(k)!) if (!seen.has(nk)) edges.push({ $tuple: [canon(n), canon(nbr)] });
    seen.add(k);
  }
  return { $graph: 'Graph', nodes: [...nodes.values()].map(canon), edges };
}

/** digest.py `digest_table` content hash from canonical rows. */
export function contentHash(rows: Record<string, PyJson>[], primaryKey: string[]): string {
  const keyed = rows.map((r) => [
    pyJsonDumps(primaryKey.map((k) => r[k]), { ensureAscii: false }),
    pyJsonDumps(r, { ensureAscii: false, compact: true }),
  ] as const);
  keyed.sort((a, b) => byCodePoint(a[0], b[0]) || byCodePoint(a[1], b[1]));
  const h = createHash('sha256');
  for (const [, text] of keyed) h.update(`${text}\n`);
  return h.digest('hex');
}
