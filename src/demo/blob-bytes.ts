/**
 * Hand-encoded DataJoint blobs for fixtures (reference §3): the bytes DataJoint 2.3.2's
 * `blob.pack(value, compress=True)` produces for a few Python values — numeric numpy arrays
 * (`mYm\0` + `A`) and Python scalars, strings, None, lists, tuples and dicts (`dj0\0`). Plain
 * forms longer than 1000 bytes are zlib-compressed (level 6, as Python's `zlib.compress`;
 * pako reproduces zlib's bytes) and kept only when strictly shorter, as DataJoint does.
 * A fixture helper, not the project's blob codec.
 */
import pako from 'pako';

export type ArrayDtype =
  | 'bool' | 'float64' | 'float32' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

/** A Python value to pack. Arrays hold their elements in C (row-major) order, as numpy shows them. */
export type PyValue =
  | { py: 'array'; dtype: ArrayDtype; shape: number[]; data: (number | bigint | boolean)[] }
  | { py: 'int'; value: bigint }
  | { py: 'float'; value: number }
  | { py: 'bool'; value: boolean }
  | { py: 'str'; value: string }
  | { py: 'bytes'; value: Uint8Array }
  | { py: 'none' }
  | { py: 'list'; items: PyValue[] }
  | { py: 'tuple'; items: PyValue[] }
  | { py: 'dict'; entries: [PyValue, PyValue][] };

/** Constructors that read like the Python they stand for. */
export const py = {
  array: (dtype: ArrayDtype, shape: number[], data: (number | bigint | boolean)[]): PyValue => ({ py: 'array', dtype, shape, data }),
  int: (value: number | bigint): PyValue => ({ py: 'int', value: BigInt(value) }),
  float: (value: number): PyValue => ({ py: 'float', value }),
  bool: (value: boolean): PyValue => ({ py: 'bool', value }),
  str: (value: string): PyValue => ({ py: 'str', value }),
  bytes: (value: Uint8Array): PyValue => ({ py: 'bytes', value }),
  none: (): PyValue => ({ py: 'none' }),
  list: (...items: PyValue[]): PyValue => ({ py: 'list', items }),
  tuple: (...items: PyValue[]): PyValue => ({ py: 'tuple', items }),
  /** A dict with string keys, in insertion order. */
  dict: (entries: Record<string, PyValue>): PyValue => ({ py: 'dict', entries: Object.entries(entries).map(([k, v]) => [py.str(k), v]) }),
};

const TYPE_IDS: Record<ArrayDtype, { id: number; size: number }> = {
  bool: { id: 3, size: 1 }, float64: { id: 6, size: 8 }, float32: { id: 7, size: 4 },
  int8: { id: 8, size: 1 }, uint8: { id: 9, size: 1 }, int16: { id: 10, size: 2 }, uint16: { id: 11, size: 2 },
  int32: { id: 12, size: 4 }, uint32: { id: 13, size: 4 }, int64: { id: 14, size: 8 }, uint64: { id: 15, size: 8 },
};

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;

  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  u8(v: number): this {
    return this.bytes(Uint8Array.of(v));
  }

  u32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    return this.bytes(b);
  }

  u64(v: number | bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    return this.bytes(b);
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** Pack as `blob.pack(value, compress)`; `<blob>` and `<blob@store>` always pass compress=True. */
export function packBlob(value: PyValue, options: { compress?: boolean } = {}): Uint8Array {
  const state = { dj0: false };
  const item = packItem(value, state);
  const plain = new Writer().bytes(new TextEncoder().encode(state.dj0 ? 'dj0\0' : 'mYm\0')).bytes(item).result();
  if ((options.compress ?? true) && plain.length > 1000) {
    const compressed = new Writer().bytes(new TextEncoder().encode('ZL123\0')).u64(plain.length)
      .bytes(pako.deflate(plain, { level: 6 })).result();
    if (compressed.length < plain.length) return compressed;
  }
  return plain;
}

function packItem(v: PyValue, state: { dj0: boolean }): Uint8Array {
  const w = new Writer();
  switch (v.py) {
    case 'array':
      if (v.shape.length === 0) state.dj0 = true; // a 0-d array is a dj0 feature
      return packArray(v, w);
    case 'int': {
      state.dj0 = true;
      const n = v.value;
      const bitLength = (n < 0n ? -n : n).toString(2).length - (n === 0n ? 1 : 0);
      // Python's bit_length of a negative number is that of its absolute value.
      const size = Math.floor(bitLength / 8) + 1;
      const body = new Uint8Array(size);
      let rest = BigInt.asUintN(size * 8, n);
      for (let i = 0; i < size; i++) {
        body[i] = Number(rest & 0xffn);
        rest >>= 8n;
      }
      const len = new Uint8Array(2);
      new DataView(len.buffer).setUint16(0, size, true);
      return w.u8(0x0a).bytes(len).bytes(body).result();
    }
    case 'float': {
      state.dj0 = true;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v.value, true);
      return w.u8(0x0d).bytes(b).result();
    }
    case 'bool':
      state.dj0 = true;
      return w.u8(0x0b).u8(v.value ? 1 : 0).result();
    case 'str': {
      state.dj0 = true;
      const b = new TextEncoder().encode(v.value);
      return w.u8(0x05).u64(b.length).bytes(b).result();
    }
    case 'bytes':
      state.dj0 = true;
      return w.u8(0x06).u64(v.value.length).bytes(v.value).result();
    case 'none':
      state.dj0 = true;
      return w.u8(0xff).result();
    case 'list':
    case 'tuple': {
      state.dj0 = true;
      w.u8(v.py === 'list' ? 0x02 : 0x01).u64(v.items.length);
      for (const item of v.items) sub(w, packItem(item, state));
      return w.result();
    }
    case 'dict': {
      state.dj0 = true;
      w.u8(0x04).u64(v.entries.length);
      for (const [key, value] of v.entries) {
        sub(w, packItem(key, state));
        sub(w, packItem(value, state));
      }
      return w.result();
    }
  }
}

function sub(w: Writer, packed: Uint8Array): void {
  w.u64(packed.length).bytes(packed);
}

function packArray(v: Extract<PyValue, { py: 'array' }>, w: Writer): Uint8Array {
  const count = v.shape.reduce((a, b) => a * b, 1);
  if (count !== v.data.length) throw new RangeError(`array of shape [${v.shape}] needs ${count} elements, got ${v.data.length}`);
  const { id, size } = TYPE_IDS[v.dtype];
  w.u8(0x41).u64(v.shape.length);
  for (const d of v.shape) w.u64(d);
  w.u32(id).u32(0);
  const data = new Uint8Array(count * size);
  const view = new DataView(data.buffer);
  fortranOrder(v.shape).forEach((cIndex, i) => {
    const x = v.data[cIndex];
    const at = i * size;
    switch (v.dtype) {
      case 'bool': view.setUint8(at, x ? 1 : 0); break;
      case 'float64': view.setFloat64(at, Number(x), true); break;
      case 'float32': view.setFloat32(at, Number(x), true); break;
      case 'int8': view.setInt8(at, Number(x)); break;
      case 'uint8': view.setUint8(at, Number(x)); break;
      case 'int16': view.setInt16(at, Number(x), true); break;
      case 'uint16': view.setUint16(at, Number(x), true); break;
      case 'int32': view.setInt32(at, Number(x), true); break;
      case 'uint32': view.setUint32(at, Number(x), true); break;
      case 'int64': view.setBigInt64(at, BigInt(x as number | bigint), true); break;
      case 'uint64': view.setBigUint64(at, BigInt(x as number | bigint), true); break;
    }
  });
  return w.bytes(data).result();
}

/** C-order positions listed in Fortran order (first axis fastest), as DataJoint writes array data. */
function fortranOrder(shape: number[]): number[] {
  const count = shape.reduce((a, b) => a * b, 1);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  for (let f = 0; f < count; f++) {
    let rest = f;
    let c = 0;
    for (let axis = 0; axis < shape.length; axis++) {
      const idx = rest % shape[axis];
      rest = Math.floor(rest / shape[axis]);
      c += idx * strides[axis];
    }
    out.push(c);
  }
  return out;
}

/** `<attach>` bytes: the file name in UTF-8, a NUL, then the contents. */
export function attachBytes(filename: string, contents: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(filename);
  const out = new Uint8Array(name.length + 1 + contents.length);
  out.set(name, 0);
  out.set(contents, name.length + 1);
  return out;
}
