/**
 * The order-independent, streaming table hash (formats/hash.md "Table hash"):
 * SHA-256(header || row digests sorted bytewise).
 *
 * Memory is 32 bytes per row up to `spillRows`; beyond that each full run is sorted and
 * written to a temporary file, and `digest()` merges the runs, so any table size hashes in
 * bounded memory. Runs are spilled with synchronous writes so that `add` stays synchronous
 * (a run of 2 Mi rows is 64 MiB: tens of milliseconds).
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { compareDigests, sortDigests } from './digest-sort.js';
import { HashInputError } from './errors.js';
import { str, u64 } from './framing.js';
import { HASH_CLASS, RowDigester } from './row-digest.js';

export const TABLE_HASH_TAG = 'dj-snapshot/table/v1';
/** Default rows kept in memory before a run is spilled: 2 Mi rows = 64 MiB of digests. */
export const DEFAULT_SPILL_ROWS = 2 * 1024 * 1024;

const REC = 32;
const READ_RECORDS = 2048; // 64 KiB per run cursor

export interface TableHasherOptions {
  /** Rows held in memory before a sorted run is spilled to disk. */
  spillRows?: number;
  /** Directory for spilled runs (default: the OS temp directory). */
  tmpDir?: string;
}

/** The header bytes: tag, column names and hash classes in order, row count. */
export function tableHeader(columns: readonly ColumnShape[], rows: number): Uint8Array {
  const parts: Uint8Array[] = [str(TABLE_HASH_TAG), u64(columns.length)];
  for (const c of columns) parts.push(str(c.name), str(HASH_CLASS[c.kind]));
  parts.push(u64(rows));
  return Buffer.concat(parts);
}

class RunCursor {
  buf = new Uint8Array(READ_RECORDS * REC);
  pos = 0;
  len = 0; // records in buf
  done = false;
  private constructor(private readonly fh: FileHandle) {}
  static async open(path: string): Promise<RunCursor> {
    const c = new RunCursor(await open(path, 'r'));
    await c.refill();
    return c;
  }
  async refill(): Promise<void> {
    let got = 0;
    const want = this.buf.length;
    while (got < want) {
      const { bytesRead } = await this.fh.read(this.buf, got, want - got, null);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.len = Math.floor(got / REC);
    this.pos = 0;
    if (this.len === 0) this.done = true;
  }
  close(): Promise<void> {
    return this.fh.close();
  }
}

export class TableHasher {
  private readonly digester: RowDigester;
  private readonly spillRows: number;
  private digests: Uint8Array;
  private count = 0;
  private total = 0;
  private spillDir: string | null = null;
  private readonly runs: string[] = [];
  private finished = false;

  constructor(private readonly columns: readonly ColumnShape[], private readonly options: TableHasherOptions = {}) {
    if (!Array.isArray(columns) || columns.length === 0) throw new HashInputError('A table hash needs at least one column.');
    const names = new Set(columns.map((c) => c.name));
    if (names.size !== columns.length) throw new HashInputError('Column names must be unique within a table.');
    this.digester = new RowDigester(columns);
    const spill = options.spillRows ?? DEFAULT_SPILL_ROWS;
    if (!Number.isInteger(spill) || spill < 1) throw new HashInputError(`spillRows must be a positive integer, got ${String(spill)}.`);
    this.spillRows = spill;
    this.digests = new Uint8Array(Math.min(spill, 1024) * REC);
  }

  get rowCount(): number {
    return this.total;
  }

  add(row: readonly CValue[]): void {
    const at = this.room() * REC; // first: room() may replace this.digests
    this.digester.digestInto(row, this.digests, at);
    this.count++;
    this.total++;
  }

  /**
   * Adds rows already digested elsewhere (RowDigester.digestInto, e.g. in worker threads):
   * 32 bytes per row, rows in any order. The same rows give the same hash either way.
   */
  addDigests(digests: Uint8Array): void {
    if (digests.length % REC !== 0) throw new HashInputError(`Row digests come in ${REC}-byte records; got ${digests.length} bytes.`);
    for (let off = 0; off < digests.length;) {
      const at = this.room() * REC;
      // As many as fit before the buffer must grow or the run be spilled.
      const fit = Math.min((digests.length - off) / REC, this.digests.length / REC - this.count, this.spillRows - this.count);
      this.digests.set(digests.subarray(off, off + fit * REC), at);
      this.count += fit;
      this.total += fit;
      off += fit * REC;
    }
  }

  /** Makes room for one more digest (spilling a full run first); returns its index. */
  private room(): number {
    if (this.finished) throw new HashInputError('TableHasher.add after digest(); make a new hasher per table.');
    if (this.count === this.spillRows) this.spill();
    if ((this.count + 1) * REC > this.digests.length) {
      const next = new Uint8Array(Math.min(this.spillRows, Math.max(1024, this.count * 2)) * REC);
      next.set(this.digests.subarray(0, this.count * REC));
      this.digests = next;
    }
    return this.count;
  }

  addRows(rows: readonly (readonly CValue[])[]): void {
    for (const r of rows) this.add(r);
  }

  private spill(): void {
    sortDigests(this.digests, this.count);
    if (this.spillDir === null) this.spillDir = mkdtempSync(join(this.options.tmpDir ?? tmpdir(), 'dj-hash-'));
    const path = join(this.spillDir, `run-${this.runs.length}`);
    const fd = openSync(path, 'w');
    try {
      let off = 0;
      const end = this.count * REC;
      while (off < end) off += writeSync(fd, this.digests, off, end - off);
    } finally {
      closeSync(fd);
    }
    this.runs.push(path);
    this.count = 0;
  }

  /** The table hash as lower-case hex. Ends the hasher and removes its temporary files. */
  async digest(): Promise<string> {
    if (this.finished) throw new HashInputError('TableHasher.digest() was already called.');
    this.finished = true;
    try {
      const h = createHash('sha256');
      h.update(tableHeader(this.columns, this.total));
      sortDigests(this.digests, this.count);
      if (this.runs.length === 0) {
        h.update(this.digests.subarray(0, this.count * REC));
        return h.digest('hex');
      }
      await this.merge((chunk) => h.update(chunk));
      return h.digest('hex');
    } finally {
      this.digests = new Uint8Array(0);
      await this.dispose();
    }
  }

  /** k-way merge of the spilled runs and the in-memory run, through a binary heap. */
  private async merge(emit: (chunk: Uint8Array) => void): Promise<void> {
    const cursors: RunCursor[] = [];
    try {
      for (const p of this.runs) cursors.push(await RunCursor.open(p));
      const mem = { buf: this.digests, pos: 0, len: this.count };
      type Src = { buf: Uint8Array; pos: number; len: number };
      const sources: Src[] = [...cursors, mem].filter((s) => s.len > 0);
      const less = (a: Src, b: Src): boolean => compareDigests(a.buf, a.pos * REC, b.buf, b.pos * REC) < 0;
      const heap = sources.slice();
      const down = (i: number): void => {
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(heap[l], heap[m])) m = l;
          if (r < heap.length && less(heap[r], heap[m])) m = r;
          if (m === i) return;
          [heap[i], heap[m]] = [heap[m], heap[i]];
          i = m;
        }
      };
      for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
      const out = new Uint8Array(READ_RECORDS * REC);
      let outLen = 0;
      while (heap.length > 0) {
        const top = heap[0];
        out.set(top.buf.subarray(top.pos * REC, top.pos * REC + REC), outLen);
        outLen += REC;
        if (outLen === out.length) {
          emit(out);
          outLen = 0;
        }
        top.pos++;
        if (top.pos === top.len) {
          if (top instanceof RunCursor) await top.refill();
          if (top.pos === top.len || (top instanceof RunCursor && top.done)) {
            heap[0] = heap[heap.length - 1];
            heap.pop();
          }
        }
        if (heap.length > 0) down(0);
      }
      if (outLen > 0) emit(out.subarray(0, outLen));
    } finally {
      await Promise.all(cursors.map((c) => c.close()));
    }
  }

  /** Removes temporary files; safe to call more than once (e.g. after an error). */
  async dispose(): Promise<void> {
    if (this.spillDir !== null) {
      rmSync(this.spillDir, { recursive: true, force: true });
      this.spillDir = null;
    }
  }
}
