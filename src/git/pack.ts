/**
 * Reading packed objects (`objects/pack/*.pack` + version-2 `.idx`) with positional reads.
 *
 * Why not isomorphic-git here: it reads a whole `.pack` into memory to fetch one object, which
 * fails for snapshots whose pack is larger than ~2 GiB (a clone of a large snapshot). We keep
 * only the index in memory and read each object's bytes by offset; a non-delta object can be
 * streamed straight from the pack file.
 */
import { open, stat } from 'node:fs/promises';
import { inflateSync, constants as zconstants } from 'node:zlib';
import { CorruptObjectError } from './errors.js';
import type { ObjectType } from './tree-format.js';

const TYPE_BY_CODE: Record<number, ObjectType | 'ofs-delta' | 'ref-delta' | undefined> = {
  1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag', 6: 'ofs-delta', 7: 'ref-delta',
};

/** Where an object's compressed data sits in a pack, and what it is. */
export interface PackEntryHeader {
  kind: ObjectType | 'ofs-delta' | 'ref-delta';
  /** Inflated size of the data at this offset (for deltas: the size of the delta itself). */
  size: number;
  dataStart: number;
  /** End of the compressed data (start of the next object, or the trailer). */
  dataEnd: number;
  baseOffset?: number;
  baseOid?: string;
}

export class PackFile {
  private sortedOffsets: Float64Array | null = null;

  private constructor(
    readonly packPath: string,
    private readonly idx: Buffer,
    private readonly count: number,
    private readonly packSize: number,
  ) {}

  static async open(idxPath: string): Promise<PackFile> {
    const packPath = idxPath.replace(/\.idx$/, '.pack');
    const handle = await open(idxPath, 'r');
    let idx: Buffer;
    try {
      idx = await handle.readFile();
    } finally {
      await handle.close();
    }
    if (idx.length < 8 + 1024 + 40 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
      throw new CorruptObjectError(idxPath, null, 'not a version-2 pack index (git >= 1.5.2 writes version 2)');
    }
    const count = idx.readUInt32BE(8 + 255 * 4);
    if (idx.length < 8 + 1024 + count * 28 + 40) throw new CorruptObjectError(idxPath, null, 'truncated pack index');
    const packSize = (await stat(packPath)).size;
    return new PackFile(packPath, idx, count, packSize);
  }

  get objectCount(): number {
    return this.count;
  }

  private oidAt(i: number): Buffer {
    const start = 8 + 1024 + i * 20;
    return this.idx.subarray(start, start + 20);
  }

  private offsetAt(i: number): number {
    const table = 8 + 1024 + this.count * 24;
    const small = this.idx.readUInt32BE(table + i * 4);
    if ((small & 0x80000000) === 0) return small;
    const large = table + this.count * 4 + (small & 0x7fffffff) * 8;
    return Number(this.idx.readBigUInt64BE(large));
  }

  /** Offset of the object in the pack, or -1. */
  find(oid: Buffer): number {
    const first = oid[0];
    let lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    let hi = this.idx.readUInt32BE(8 + first * 4);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = Buffer.compare(this.oidAt(mid), oid);
      if (cmp === 0) return this.offsetAt(mid);
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** All oids in this pack starting with a hex prefix (for abbreviated ids). */
  findPrefix(prefix: string): string[] {
    const first = parseInt(prefix.slice(0, 2).padEnd(2, '0'), 16);
    const lo = first === 0 ? 0 : this.idx.readUInt32BE(8 + (first - 1) * 4);
    const last = prefix.length >= 2 ? first : first + 15;
    const hi = this.idx.readUInt32BE(8 + Math.min(last, 255) * 4);
    const out: string[] = [];
    for (let i = lo; i < hi; i++) {
      const hex = this.oidAt(i).toString('hex');
      if (hex.startsWith(prefix)) out.push(hex);
    }
    return out;
  }

  private endOf(offset: number): number {
    if (!this.sortedOffsets) {
      const offsets = new Float64Array(this.count);
      for (let i = 0; i < this.count; i++) offsets[i] = this.offsetAt(i);
      offsets.sort();
      this.sortedOffsets = offsets;
    }
    const offsets = this.sortedOffsets;
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length ? offsets[lo] : this.packSize - 20;
  }

  async readHeader(offset: number): Promise<PackEntryHeader> {
    const handle = await open(this.packPath, 'r');
    try {
      const buf = Buffer.alloc(64);
      const { bytesRead } = await handle.read(buf, 0, 64, offset);
      return this.parseHeader(buf.subarray(0, bytesRead), offset);
    } finally {
      await handle.close();
    }
  }

  private parseHeader(buf: Buffer, offset: number): PackEntryHeader {
    const where = `${this.packPath}@${offset}`;
    let pos = 0;
    let c = buf[pos++];
    if (c === undefined) throw new CorruptObjectError(where, null, 'offset past the end of the pack');
    const kind = TYPE_BY_CODE[(c >> 4) & 7];
    if (!kind) throw new CorruptObjectError(where, null, `unknown packed object type ${(c >> 4) & 7}`);
    let size = c & 15;
    let shift = 16;
    while (c & 0x80) {
      c = buf[pos++];
      if (c === undefined) throw new CorruptObjectError(where, null, 'truncated object header');
      size += (c & 0x7f) * shift;
      shift *= 128;
    }
    const header: PackEntryHeader = { kind, size, dataStart: 0, dataEnd: this.endOf(offset) };
    if (kind === 'ofs-delta') {
      c = buf[pos++];
      let back = c & 0x7f;
      while (c & 0x80) {
        c = buf[pos++];
        if (c === undefined) throw new CorruptObjectError(where, null, 'truncated delta offset');
        back = (back + 1) * 128 + (c & 0x7f);
      }
      header.baseOffset = offset - back;
    } else if (kind === 'ref-delta') {
      if (buf.length < pos + 20) throw new CorruptObjectError(where, null, 'truncated delta base id');
      header.baseOid = buf.toString('hex', pos, pos + 20);
      pos += 20;
    }
    header.dataStart = offset + pos;
    return header;
  }

  async inflatePrefix(header: PackEntryHeader, compressedBytes: number): Promise<Buffer> {
    const length = Math.min(compressedBytes, header.dataEnd - header.dataStart);
    const handle = await open(this.packPath, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, header.dataStart);
      return inflateSync(buf.subarray(0, bytesRead), { finishFlush: zconstants.Z_SYNC_FLUSH });
    } catch (err) {
      throw new CorruptObjectError(`${this.packPath}@${header.dataStart}`, null, `inflate failed: ${(err as Error).message}`);
    } finally {
      await handle.close();
    }
  }

  /** Inflates the data of one pack entry (the object itself, or its delta). */
  async inflateAt(header: PackEntryHeader): Promise<Buffer> {
    const length = header.dataEnd - header.dataStart;
    const handle = await open(this.packPath, 'r');
    let compressed: Buffer;
    try {
      compressed = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(compressed, 0, length, header.dataStart);
      if (bytesRead !== length) throw new CorruptObjectError(this.packPath, null, 'pack shorter than its index says');
    } finally {
      await handle.close();
    }
    let data: Buffer;
    try {
      data = inflateSync(compressed);
    } catch (err) {
      throw new CorruptObjectError(`${this.packPath}@${header.dataStart}`, null, `inflate failed: ${(err as Error).message}`);
    }
    if (data.length !== header.size) {
      throw new CorruptObjectError(`${this.packPath}@${header.dataStart}`, null, `size ${data.length}, header says ${header.size}`);
    }
    return data;
  }
}

function readVarint(delta: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 1;
  let c: number;
  do {
    c = delta[pos++];
    if (c === undefined) throw new CorruptObjectError('delta', null, 'truncated size');
    value += (c & 0x7f) * shift;
    shift *= 128;
  } while (c & 0x80);
  return [value, pos];
}

/** Applies a git delta (copy/insert instructions) to its base. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  let [baseSize, pos] = readVarint(delta, 0);
  if (baseSize !== base.length) throw new CorruptObjectError('delta', null, `base is ${base.length} bytes, delta expects ${baseSize}`);
  let resultSize: number;
  [resultSize, pos] = readVarint(delta, pos);
  const out = Buffer.allocUnsafe(resultSize);
  let outPos = 0;
  while (pos < delta.length) {
    const op = delta[pos++];
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += delta[pos++] * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) size += delta[pos++] * 2 ** (8 * bit);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || outPos + size > resultSize) throw new CorruptObjectError('delta', null, 'copy out of range');
      base.copy(out, outPos, offset, offset + size);
      outPos += size;
    } else if (op !== 0) {
      if (pos + op > delta.length || outPos + op > resultSize) throw new CorruptObjectError('delta', null, 'insert out of range');
      delta.copy(out, outPos, pos, pos + op);
      pos += op;
      outPos += op;
    } else {
      throw new CorruptObjectError('delta', null, 'reserved opcode 0');
    }
  }
  if (outPos !== resultSize) throw new CorruptObjectError('delta', null, `result is ${outPos} bytes, delta says ${resultSize}`);
  return out;
}
