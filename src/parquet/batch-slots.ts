/**
 * Batches cross to the encoding worker through a few SharedArrayBuffer slots that are reused
 * for the whole run: the sender copies a batch's buffers into a free slot (a memcpy of a few
 * MiB) and posts only a small layout; the worker reads the slot in place and hands it back.
 * The buffers form an Arrow IPC body: the slot keeps room before it for the worker to write the
 * stream's schema and message header (ipc-message.ts) and after it for the end marker, so the
 * slot's bytes are handed to parquet-wasm as they are.
 *
 * Why not transfer the buffers: every transferred batch is a new multi-MiB allocation in the
 * sender and external memory in the worker, which made both isolates run full garbage
 * collections every few batches (measured: GC threads cost as much CPU as the encoding).
 */
import type { ColumnBuffers, EncodedBatch } from './encode-batch.js';

type ArrayName = 'Int8Array' | 'Int16Array' | 'Int32Array' | 'Uint8Array' | 'Uint16Array' | 'Uint32Array'
  | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array';

/** Where one typed array lies in a slot: its kind, byte offset and element count. */
type Placed = [name: ArrayName, byteOffset: number, length: number];

export interface SlotColumn {
  length: number;
  nullCount: number;
  data: Placed;
  nullBitmap?: Placed;
  valueOffsets?: Placed;
}

/** A batch as it is posted: a slot (shared, not copied) and where each buffer lies in it. */
export interface SlotBatch {
  slot: number;
  buffer: SharedArrayBuffer;
  rows: number;
  bytes: number;
  columns: SlotColumn[];
  /** The buffers lie in [bodyStart, bodyEnd), both multiples of 8; 8 free bytes follow. */
  bodyStart: number;
  bodyEnd: number;
}

/** Bytes kept free before the body for the schema and message header (a guess; the worker copies when they do not fit). */
export function headRoomFor(columns: number): number {
  return 4096 + 512 * columns;
}

const align8 = (n: number): number => (n + 7) & ~7;

function nameOf(a: ColumnBuffers['data']): ArrayName {
  const name = a.constructor.name;
  // Node's Buffer is a Uint8Array subclass.
  return (name === 'Buffer' ? 'Uint8Array' : name) as ArrayName;
}

function bytesOf(b: ColumnBuffers): number {
  let n = align8(b.data.byteLength);
  if (b.nullBitmap) n += align8(b.nullBitmap.byteLength);
  if (b.valueOffsets) n += align8(b.valueOffsets.byteLength);
  return n;
}

/** The sender's slots; a slot is busy from `write` until the worker gives it back (`release`). */
export class SlotRing {
  private readonly buffers: (SharedArrayBuffer | null)[];
  private readonly busy: boolean[];

  constructor(slots: number, private readonly head: number) {
    this.buffers = new Array<SharedArrayBuffer | null>(slots).fill(null);
    this.busy = new Array<boolean>(slots).fill(false);
  }

  get hasFree(): boolean {
    return this.busy.includes(false);
  }

  release(slot: number): void {
    this.busy[slot] = false;
  }

  /**
   * Copies `batch` into a free slot (growing it if needed) and marks it busy. With no slot free
   * (a sender that did not wait) it adds one rather than fail: correct, only more memory.
   */
  write(batch: EncodedBatch): SlotBatch {
    let slot = this.busy.indexOf(false);
    if (slot < 0) {
      slot = this.busy.length;
      this.busy.push(false);
      this.buffers.push(null);
    }
    const need = this.head + batch.columns.reduce((n, c) => n + bytesOf(c), 0) + 8;
    let buffer = this.buffers[slot];
    if (buffer === null || buffer.byteLength < need) {
      // Some headroom, so a slot does not grow by a few bytes per batch.
      buffer = new SharedArrayBuffer(Math.max(1 << 16, align8(need + (need >> 3))));
      this.buffers[slot] = buffer;
    }
    const bytes = new Uint8Array(buffer);
    let at = this.head;
    const place = (a: ColumnBuffers['data']): Placed => {
      const placed: Placed = [nameOf(a), at, a.length];
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
      at = align8(at + a.byteLength);
      return placed;
    };
    const columns = batch.columns.map((c): SlotColumn => {
      const out: SlotColumn = { length: c.length, nullCount: c.nullCount, data: place(c.data) };
      if (c.nullBitmap) out.nullBitmap = place(c.nullBitmap);
      if (c.valueOffsets) out.valueOffsets = place(c.valueOffsets);
      return out;
    });
    this.busy[slot] = true;
    return { slot, buffer, rows: batch.rows, bytes: batch.bytes, columns, bodyStart: this.head, bodyEnd: at };
  }
}
