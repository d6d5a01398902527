/**
 * The open view's JSON document of a decoded value (formats/open.md §4.2): the typed JSON view
 * of formats/blob.md §7 with every array-like node's elements nested by its shape (what NumPy's
 * `tolist()` gives), large numeric arrays optionally moved to `.npy` files, and one serialisation
 * with deterministic bytes that stays readable: objects indented, lists of plain values on one line.
 */
import { type BlobValue, type JsonNode, type JsonValue, type NumericArray, elementCount, toJsonView } from '../blob/index.js';

/** Numeric arrays inside a JSON document with more elements than this go to their own `.npy`. */
export const INLINE_ARRAY_MAX_ELEMENTS = 256;

/** Nests a flat C-order list by `shape`; a 0-d list becomes its single element. */
export function nestByShape<T>(flat: readonly T[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const build = (dim: number, offset: number): { value: unknown[]; used: number } => {
    const n = shape[dim];
    const out = new Array<unknown>(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = flat[offset + i];
      return { value: out, used: n };
    }
    let used = 0;
    for (let i = 0; i < n; i++) {
      const inner = build(dim + 1, offset + used);
      out[i] = inner.value;
      used += inner.used;
    }
    return { value: out, used };
  };
  // A zero-length axis anywhere: inner lists are still built for the axes before it.
  return build(0, 0).value;
}

const SHAPED_LISTS = ['data', 'items', 'elements'] as const;

function nestNode(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(nestNode);
  if (v === null || typeof v !== 'object') return v;
  const out: { [k: string]: JsonValue } = {};
  const shape = Array.isArray(v.shape) && (v.type === 'array' || v.type === 'cell' || v.type === 'struct') ? v.shape as number[] : null;
  for (const [k, x] of Object.entries(v)) {
    if (shape && (SHAPED_LISTS as readonly string[]).includes(k) && Array.isArray(x)) {
      out[k] = nestByShape(x.map(nestNode), shape) as JsonValue;
    } else {
      out[k] = nestNode(x);
    }
  }
  return out;
}

export interface ExternalArray {
  /** File name beside the JSON document, e.g. `traces.0.npy`. */
  name: string;
  array: NumericArray;
}

/**
 * The JSON document of `value`. `externalName(n)` names the n-th (0-based, document order)
 * numeric array above INLINE_ARRAY_MAX_ELEMENTS; pass null to keep every array inline.
 */
export function openJsonDocument(value: BlobValue, externalName: ((n: number) => string) | null): { doc: JsonNode; external: ExternalArray[] } {
  const external: ExternalArray[] = [];
  const view = toJsonView(value, {
    externalArray: externalName === null ? undefined : (array) => {
      if (elementCount(array.shape) <= INLINE_ARRAY_MAX_ELEMENTS) return undefined;
      const name = externalName(external.length);
      external.push({ name, array });
      return name;
    },
  });
  return { doc: nestNode(view) as JsonNode, external };
}

function isPlain(v: JsonValue): boolean {
  if (v === null || typeof v !== 'object') return true;
  return Array.isArray(v) && v.every(isPlain);
}

/** Nodes whose compact text is at most this long stay on one line. */
const ONE_LINE_MAX = 100;

/** The compact text of `v` when it is at most ONE_LINE_MAX characters, else null (stops early). */
function shortText(v: JsonValue): string | null {
  let budget = ONE_LINE_MAX;
  const walk = (x: JsonValue): boolean => {
    if (x === null || typeof x !== 'object') {
      budget -= JSON.stringify(x).length + 1;
      return budget >= 0;
    }
    budget -= 2;
    if (Array.isArray(x)) return budget >= 0 && x.every(walk);
    for (const [k, item] of Object.entries(x)) {
      budget -= k.length + 3;
      if (budget < 0 || !walk(item)) return false;
    }
    return budget >= 0;
  };
  if (!walk(v)) return null;
  const text = JSON.stringify(v);
  return text.length <= ONE_LINE_MAX ? text : null;
}

/**
 * JSON text: objects and lists of objects indented by two spaces; lists of plain values
 * (numbers, strings, nested lists of them) and anything whose compact text is short on one
 * line; one trailing newline.
 */
export function serializeOpenJson(v: JsonValue): string {
  const out: string[] = [];
  const write = (x: JsonValue, indent: string): void => {
    const oneLine = isPlain(x) ? JSON.stringify(x) : shortText(x);
    if (oneLine !== null) {
      out.push(oneLine);
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(x)) {
      out.push('[\n');
      x.forEach((item, i) => {
        out.push(inner);
        write(item, inner);
        out.push(i < x.length - 1 ? ',\n' : '\n');
      });
      out.push(`${indent}]`);
      return;
    }
    const entries = Object.entries(x as { [k: string]: JsonValue });
    if (entries.length === 0) {
      out.push('{}');
      return;
    }
    out.push('{\n');
    entries.forEach(([k, item], i) => {
      out.push(`${inner}${JSON.stringify(k)}: `);
      write(item, inner);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    });
    out.push(`${indent}}`);
  };
  write(v, '');
  out.push('\n');
  return out.join('');
}
