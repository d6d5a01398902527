/**
 * Reads the open view back into the value model, from the files alone, as another tool would:
 * `.npy` with the independent parser of npy-parse.ts, JSON documents by the rules of
 * formats/open.md §4.2, attachments by their escaped names. Tests compare the result with what
 * the stored bytes decode to, or with DataJoint's own digest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as B from '../../src/blob/index.js';
import { unescapeSegment } from '../../src/open/index.js';
import { parseNpy } from './npy-parse.js';

const DTYPE_OF_DESCR: Record<string, B.NumericDtype> = {
  '|b1': 'bool', '|i1': 'int8', '|u1': 'uint8', '<i2': 'int16', '<u2': 'uint16', '<i4': 'int32', '<u4': 'uint32',
  '<i8': 'int64', '<u8': 'uint64', '<f4': 'float32', '<f8': 'float64', '<c8': 'complex64', '<c16': 'complex128',
};

const TYPED: Record<string, new (n: number) => B.TypedArray> = {
  bool: Uint8Array, char: Uint16Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

function typedFor(dtype: string): new (n: number) => B.TypedArray {
  if (dtype.startsWith('datetime64')) return BigInt64Array;
  return TYPED[dtype];
}

/** A `.npy` file as a C-order array of the value model. */
export function npyToValue(file: Uint8Array): B.NumericArray {
  const npy = parseNpy(file);
  if (npy.fortranOrder) throw new Error('open-view .npy files are C order');
  const m = /^<M8\[(\w+)\]$/.exec(npy.descr);
  const dtype = (m ? `datetime64[${m[1]}]` : DTYPE_OF_DESCR[npy.descr]) as B.NumericDtype;
  if (!dtype) throw new Error(`unexpected descr ${npy.descr}`);
  const bytes = npy.data.slice(); // aligned copy
  if (dtype === 'complex64' || dtype === 'complex128') {
    const Part = dtype === 'complex64' ? Float32Array : Float64Array;
    const both = new Part(bytes.buffer);
    const re = new Part(both.length / 2);
    const im = new Part(both.length / 2);
    for (let i = 0; i < re.length; i++) {
      re[i] = both[2 * i];
      im[i] = both[2 * i + 1];
    }
    return B.ndarray(dtype, npy.shape, re, 'C', im);
  }
  const T = typedFor(dtype) as unknown as { new (b: ArrayBuffer): B.TypedArray };
  return B.ndarray(dtype, npy.shape, new T(bytes.buffer), 'C');
}

/** Flattens a list nested by `shape` (formats/open.md §4.2), checking every length. */
export function flattenByShape(nested: unknown, shape: readonly number[]): unknown[] {
  if (shape.length === 0) return [nested];
  const out: unknown[] = [];
  const walk = (x: unknown, dim: number): void => {
    if (!Array.isArray(x) || x.length !== shape[dim]) throw new Error(`nested list does not have shape ${JSON.stringify(shape)}`);
    if (dim === shape.length - 1) out.push(...x);
    else for (const y of x) walk(y, dim + 1);
  };
  walk(nested, 0);
  return out;
}

type Node = { type: string; [k: string]: unknown };

function floatOf(x: unknown): number {
  if (typeof x === 'number') return x;
  return ({ NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 } as Record<string, number>)[x as string];
}

function bigOf(x: unknown): bigint {
  return BigInt(x as number | string);
}

function numericFromJson(node: Node): B.NumericArray {
  const dtype = node.dtype as B.NumericDtype;
  const shape = node.shape as number[];
  const flat = flattenByShape(node.data, shape);
  if (dtype === 'complex64' || dtype === 'complex128') {
    const Part = dtype === 'complex64' ? Float32Array : Float64Array;
    const re = new Part(flat.length);
    const im = new Part(flat.length);
    flat.forEach((pair, i) => {
      const [a, b] = pair as [unknown, unknown];
      re[i] = floatOf(a);
      im[i] = floatOf(b);
    });
    return B.ndarray(dtype, shape, re, 'C', im);
  }
  const data = new (typedFor(dtype))(flat.length);
  flat.forEach((x, i) => {
    if (dtype === 'bool') data[i] = x ? 1 : 0;
    else if (dtype.startsWith('datetime64')) (data as BigInt64Array)[i] = x === null ? -(2n ** 63n) : bigOf(x);
    else if (dtype === 'int64' || dtype === 'uint64') (data as BigInt64Array)[i] = bigOf(x);
    else if (dtype === 'float32' || dtype === 'float64') data[i] = floatOf(x);
    else data[i] = x as number;
  });
  return B.ndarray(dtype, shape, data, 'C');
}

/** A JSON document of the open view back to the value model; `dir` holds its sibling `.npy` files. */
export function jsonToValue(node: Node, dir: string): B.BlobValue {
  const sub = (x: unknown): B.BlobValue => jsonToValue(x as Node, dir);
  switch (node.type) {
    case 'none': return B.none();
    case 'bool': return B.bool(node.value as boolean);
    case 'int': return B.int(bigOf(node.value));
    case 'float': return B.float(floatOf(node.value));
    case 'complex': return B.complex(floatOf(node.re), floatOf(node.im));
    case 'str': return B.str(node.value as string);
    case 'bytes': return B.bytes(new Uint8Array(Buffer.from(node.base64 as string, 'base64')));
    case 'decimal': return B.decimal(node.value as string);
    case 'uuid': return B.uuid(node.value as string);
    case 'date': {
      const [y, m, d] = (node.value as string).split('-').map(Number);
      return B.date(y, m, d);
    }
    case 'time': case 'datetime': {
      const text = node.value as string;
      const [datePart, timePart] = node.type === 'time' ? ['', text] : text.split('T');
      const [clock, frac] = timePart.split('.');
      const [h, mi, s] = clock.split(':').map(Number);
      const us = frac ? Number(frac.padEnd(6, '0')) : 0;
      if (node.type === 'time') return B.time(h, mi, s, us);
      const [y, mo, d] = datePart.split('-').map(Number);
      return B.datetime(y, mo, d, h, mi, s, us);
    }
    case 'list': return B.list((node.items as unknown[]).map(sub));
    case 'tuple': return B.tuple((node.items as unknown[]).map(sub));
    case 'set': return B.set((node.items as unknown[]).map(sub));
    case 'dict': return B.dict((node.items as [unknown, unknown][]).map(([k, v]) => [sub(k), sub(v)]));
    case 'record': return B.record((node.fields as { name: string; value: unknown }[]).map((f) => ({ name: f.name, value: sub(f.value) })));
    case 'cell': return B.cell(node.shape as number[], flattenByShape(node.items, node.shape as number[]).map(sub), 'C');
    case 'struct': {
      const shape = node.shape as number[];
      const elements = flattenByShape(node.elements, shape).map((row) => (row as unknown[]).map(sub));
      return B.struct(shape, node.fields as string[], elements, 'C');
    }
    case 'array': {
      if (node.dtype === 'object') return B.objectArray(node.shape as number[], flattenByShape(node.items, node.shape as number[]).map(sub), 'C');
      if (typeof node.npy === 'string') {
        if (path.basename(node.npy) !== node.npy) throw new Error(`npy reference ${node.npy} leaves the document's folder`);
        const a = npyToValue(readFileSync(path.join(dir, node.npy)));
        if (a.dtype !== node.dtype || JSON.stringify(a.shape) !== JSON.stringify(node.shape)) throw new Error(`${node.npy} is not ${node.dtype} ${JSON.stringify(node.shape)}`);
        return a;
      }
      return numericFromJson(node);
    }
    default:
      throw new Error(`unknown JSON node type ${node.type}`);
  }
}

export type OpenFileValue = { kind: 'blob'; value: B.BlobValue } | { kind: 'attachment'; name: string; contents: Uint8Array };

/** What an open file (a path from the index, relative to `root`) shows. */
export function readOpenFile(root: string, relative: string, isAttachment: boolean): OpenFileValue {
  const file = path.join(root, ...relative.split('/'));
  const bytes = new Uint8Array(readFileSync(file));
  if (isAttachment) return { kind: 'attachment', name: Buffer.from(unescapeSegment(path.basename(file))).toString('utf8'), contents: bytes };
  if (file.endsWith('.npy')) return { kind: 'blob', value: npyToValue(bytes) };
  if (file.endsWith('.json')) return { kind: 'blob', value: jsonToValue(JSON.parse(Buffer.from(bytes).toString('utf8')) as Node, path.dirname(file)) };
  throw new Error(`${relative} is neither .npy nor .json`);
}
