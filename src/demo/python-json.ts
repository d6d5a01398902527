/**
 * JSON text as Python's `json.dumps(value)` writes it with default settings — what DataJoint
 * sends to the server for `json` attributes and codec metadata: `", "` and `": "` separators,
 * keys in insertion order, non-ASCII escaped as `\uXXXX` (ensure_ascii). MariaDB keeps this text
 * verbatim; PostgreSQL `jsonb` normalises it.
 *
 * Numbers: a JS number that is an integer is written as a Python int; other finite numbers as
 * JS writes them, which equals Python's float repr for the values fixtures use (not for e.g.
 * 1e16 or 1.0, which fixtures avoid).
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function pythonJsonDumps(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`json.dumps would write ${value}, which is not JSON`);
    return Object.is(value, -0) ? '-0.0' : String(value);
  }
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${quote(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (ESCAPES[ch]) out += ESCAPES[ch];
    // UTF-16 code units, so astral characters come out as surrogate pairs, as in Python.
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
