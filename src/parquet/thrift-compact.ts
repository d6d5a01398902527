/**
 * A generic Thrift compact-protocol codec, just enough to rewrite a Parquet footer.
 *
 * Why generic: the footer is re-encoded after adding logical types that parquet-wasm cannot
 * emit (UUID, JSON). Decoding into an untyped tree and encoding it back keeps every field we do
 * not understand (newer Parquet versions add some) and, because each field remembers whether its
 * header used the short (delta) or long form, re-encoding an untouched tree gives back the exact
 * input bytes. The tests assert that byte identity on real footers.
 */
import { InputError } from '../errors/base.js';

export enum TType {
  Stop = 0,
  True = 1,
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
  Uuid = 13,
}

export type TValue =
  | { t: 'bool'; v: boolean }
  | { t: 'byte'; v: number }
  | { t: 'i16'; v: number }
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: bigint }
  | { t: 'double'; v: number }
  | { t: 'binary'; v: Uint8Array }
  | { t: 'uuid'; v: Uint8Array }
  | { t: 'list'; set: boolean; elem: TType; items: TValue[]; longSize: boolean }
  | { t: 'map'; keyType: TType; valueType: TType; entries: Array<[TValue, TValue]> }
  | TStruct;

export interface TField {
  id: number;
  value: TValue;
  /** The header used the long form (type byte + zigzag i16 id) although the short form fits. */
  longForm?: boolean;
}

export interface TStruct {
  t: 'struct';
  fields: TField[];
}

export class ThriftDecodeError extends InputError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('parquet-footer-invalid', `Parquet footer cannot be decoded: ${message}. The file is damaged or not a Parquet file; re-export it.`, data);
  }
}

export class ThriftReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  private byte(): number {
    if (this.pos >= this.buf.length) throw new ThriftDecodeError('unexpected end of data', { pos: this.pos });
    return this.buf[this.pos++];
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new ThriftDecodeError('varint too long', { pos: this.pos });
    }
  }

  /** Small varints (lengths, i16/i32) without bigint cost. */
  varint32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new ThriftDecodeError('varint too long', { pos: this.pos });
    }
  }

  zigzag32(): number {
    const n = this.varint32();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  zigzag64(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new ThriftDecodeError('length past end of data', { pos: this.pos, length: n });
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  value(type: TType, inCollection: boolean): TValue {
    switch (type) {
      case TType.True:
      case TType.False:
        // In a struct field the value lives in the header's type nibble; in a list it is a byte.
        if (inCollection) return { t: 'bool', v: this.byte() === 1 };
        return { t: 'bool', v: type === TType.True };
      case TType.Byte: {
        const b = this.byte();
        return { t: 'byte', v: b > 127 ? b - 256 : b };
      }
      case TType.I16:
        return { t: 'i16', v: this.zigzag32() };
      case TType.I32:
        return { t: 'i32', v: this.zigzag32() };
      case TType.I64:
        return { t: 'i64', v: this.zigzag64() };
      case TType.Double: {
        const b = this.bytes(8);
        return { t: 'double', v: new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true) };
      }
      case TType.Binary:
        return { t: 'binary', v: this.bytes(this.varint32()) };
      case TType.Uuid:
        return { t: 'uuid', v: this.bytes(16) };
      case TType.List:
      case TType.Set: {
        const header = this.byte();
        let size = header >> 4;
        const longSize = size === 15;
        if (longSize) size = this.varint32();
        const elem = (header & 0x0f) as TType;
        const items: TValue[] = [];
        for (let i = 0; i < size; i++) items.push(this.value(elem, true));
        return { t: 'list', set: type === TType.Set, elem, items, longSize };
      }
      case TType.Map: {
        const size = this.varint32();
        if (size === 0) return { t: 'map', keyType: TType.Stop, valueType: TType.Stop, entries: [] };
        const kv = this.byte();
        const keyType = (kv >> 4) as TType;
        const valueType = (kv & 0x0f) as TType;
        const entries: Array<[TValue, TValue]> = [];
        for (let i = 0; i < size; i++) entries.push([this.value(keyType, true), this.value(valueType, true)]);
        return { t: 'map', keyType, valueType, entries };
      }
      case TType.Struct:
        return this.struct();
      default:
        throw new ThriftDecodeError(`unknown field type ${type as number}`, { pos: this.pos });
    }
  }

  struct(): TStruct {
    const fields: TField[] = [];
    let lastId = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return { t: 'struct', fields };
      const type = (header & 0x0f) as TType;
      const delta = header >> 4;
      let id: number;
      let longForm = false;
      if (delta === 0) {
        id = this.zigzag32();
        longForm = id > lastId && id - lastId <= 15;
      } else {
        id = lastId + delta;
      }
      fields.push(longForm ? { id, value: this.value(type, false), longForm } : { id, value: this.value(type, false) });
      lastId = id;
    }
  }
}

function typeOf(v: TValue): TType {
  switch (v.t) {
    case 'bool': return v.v ? TType.True : TType.False;
    case 'byte': return TType.Byte;
    case 'i16': return TType.I16;
    case 'i32': return TType.I32;
    case 'i64': return TType.I64;
    case 'double': return TType.Double;
    case 'binary': return TType.Binary;
    case 'uuid': return TType.Uuid;
    case 'list': return v.set ? TType.Set : TType.List;
    case 'map': return TType.Map;
    case 'struct': return TType.Struct;
  }
}

export class ThriftWriter {
  private buf = new Uint8Array(4096);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
  }

  private raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private varint(n: bigint): void {
    let x = n;
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  private varint32(n: number): void {
    let x = n;
    while (x >= 0x80) {
      this.byte((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    this.byte(x);
  }

  private zigzag32(n: number): void {
    this.varint32(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  private zigzag64(n: bigint): void {
    this.varint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }

  value(v: TValue, inCollection: boolean): void {
    switch (v.t) {
      case 'bool':
        if (inCollection) this.byte(v.v ? 1 : 2);
        return; // struct field: carried by the header
      case 'byte':
        this.byte(v.v < 0 ? v.v + 256 : v.v);
        return;
      case 'i16':
      case 'i32':
        this.zigzag32(v.v);
        return;
      case 'i64':
        this.zigzag64(v.v);
        return;
      case 'double': {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v.v, true);
        this.raw(b);
        return;
      }
      case 'binary':
        this.varint32(v.v.length);
        this.raw(v.v);
        return;
      case 'uuid':
        this.raw(v.v);
        return;
      case 'list': {
        const size = v.items.length;
        if (size < 15 && !v.longSize) {
          this.byte((size << 4) | v.elem);
        } else {
          this.byte(0xf0 | v.elem);
          this.varint32(size);
        }
        for (const item of v.items) this.value(item, true);
        return;
      }
      case 'map':
        this.varint32(v.entries.length);
        if (v.entries.length === 0) return;
        this.byte((v.keyType << 4) | v.valueType);
        for (const [k, val] of v.entries) {
          this.value(k, true);
          this.value(val, true);
        }
        return;
      case 'struct':
        this.struct(v);
        return;
    }
  }

  struct(s: TStruct): void {
    let lastId = 0;
    for (const f of s.fields) {
      const type = typeOf(f.value);
      const delta = f.id - lastId;
      if (delta > 0 && delta <= 15 && !f.longForm) {
        this.byte((delta << 4) | type);
      } else {
        this.byte(type);
        this.zigzag32(f.id);
      }
      this.value(f.value, false);
      lastId = f.id;
    }
    this.byte(0);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function decodeStruct(bytes: Uint8Array): TStruct {
  const r = new ThriftReader(bytes);
  const s = r.struct();
  if (r.pos !== bytes.length) throw new ThriftDecodeError('trailing bytes after the struct', { pos: r.pos, length: bytes.length });
  return s;
}

export function encodeStruct(s: TStruct): Uint8Array {
  const w = new ThriftWriter();
  w.struct(s);
  return w.bytes();
}

/** The field with this id, or undefined. */
export function field(s: TStruct, id: number): TValue | undefined {
  return s.fields.find((f) => f.id === id)?.value;
}

/** Set (replace or insert in id order) a field; inserted fields use the short header form. */
export function setField(s: TStruct, id: number, value: TValue): void {
  const i = s.fields.findIndex((f) => f.id === id);
  if (i >= 0) {
    s.fields[i] = { id, value };
    return;
  }
  let at = s.fields.findIndex((f) => f.id > id);
  if (at < 0) at = s.fields.length;
  // A field inserted before a long-form successor does not change that successor's encoding;
  // a short-form successor re-computes its delta from the new predecessor on encode.
  s.fields.splice(at, 0, { id, value });
}

export function removeField(s: TStruct, id: number): void {
  const i = s.fields.findIndex((f) => f.id === id);
  if (i >= 0) s.fields.splice(i, 1);
}
