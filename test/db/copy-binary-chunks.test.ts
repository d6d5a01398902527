/**
 * The binary COPY parser against hand-built streams cut into chunks at every possible place:
 * rows, the header and the trailer straddling chunk boundaries must give the same rows as one
 * whole buffer, and a large field arriving in many small chunks is joined once, not per chunk.
 */
import { describe, expect, it } from 'vitest';
import { CopyBinaryParser, CopyFormatError, CopyRowSplitter } from '../../src/db/postgres/copy-binary.js';
import type { RawValue } from '../../src/db/types.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const hex = (b: Buffer, at: number, len: number): RawValue => b.toString('hex', at, at + len);

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** A COPY binary stream of `rows` (null = SQL NULL), with a header extension of `ext` bytes. */
function stream(rows: (Buffer | null)[][], ext = 0): Buffer {
  const parts = [SIGNATURE, int32(0), int32(ext), Buffer.alloc(ext, 7)];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const f of row) parts.push(f === null ? int32(-1) : Buffer.concat([int32(f.length), f]));
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

function parse(chunks: Buffer[], fields: number): { rows: RawValue[][]; ended: boolean } {
  const parser = new CopyBinaryParser(Array(fields).fill(hex));
  const rows: RawValue[][] = [];
  for (const c of chunks) parser.push(c, rows);
  return { rows, ended: parser.ended };
}

const ROWS: (Buffer | null)[][] = [
  [Buffer.from('01', 'hex'), null, Buffer.alloc(0)],
  [Buffer.from('abcdef', 'hex'), Buffer.from('00ff', 'hex'), null],
  [null, null, null],
  [Buffer.alloc(40, 0x5a), Buffer.from('10', 'hex'), Buffer.from('2030', 'hex')],
];
const expected = ROWS.map((r) => r.map((f) => (f === null ? null : f.toString('hex'))));

describe('CopyBinaryParser across chunk boundaries', () => {
  it('gives the same rows for every single cut and every pair of cuts', () => {
    const whole = stream(ROWS, 3);
    expect(parse([whole], 3)).toEqual({ rows: expected, ended: true });
    for (let i = 0; i <= whole.length; i++) {
      expect(parse([whole.subarray(0, i), whole.subarray(i)], 3).rows).toEqual(expected);
      for (let j = i; j <= whole.length; j += 3) {
        const got = parse([whole.subarray(0, i), whole.subarray(i, j), whole.subarray(j)], 3);
        expect(got).toEqual({ rows: expected, ended: true });
      }
    }
  });

  it('gives the same rows fed one byte at a time', () => {
    const whole = stream(ROWS);
    const bytes = [...whole].map((b) => Buffer.from([b]));
    expect(parse(bytes, 3)).toEqual({ rows: expected, ended: true });
  });

  /** Parses `whole` cut into 64 KiB chunks (as a socket delivers it), counting the bytes Buffer.concat copies. */
  function parseCountingCopies(whole: Buffer, fields: number): { rows: RawValue[][]; ended: boolean; copied: number } {
    const chunks: Buffer[] = [];
    for (let at = 0; at < whole.length; at += 65536) chunks.push(whole.subarray(at, at + 65536));
    const concat = Buffer.concat;
    let copied = 0;
    Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
      const out = concat(list, total);
      copied += out.length;
      return out;
    }) as typeof Buffer.concat;
    try {
      return { ...parse(chunks, fields), copied };
    } finally {
      Buffer.concat = concat;
    }
  }

  it('joins a large field arriving in many chunks once, not once per chunk', () => {
    const big = Buffer.alloc(8 << 20, 1);
    const whole = stream([[big, Buffer.from('ff', 'hex'), null]]);
    const { rows, ended, copied } = parseCountingCopies(whole, 3);
    expect(ended).toBe(true);
    expect(rows).toHaveLength(1);
    expect(rows[0][0]).toBe(big.toString('hex'));
    // One join of the row, not the ~128 growing copies (~500 MB) of joining per chunk.
    expect(copied).toBeLessThan(2 * whole.length);
  });

  it('copies only the rows cut at chunk boundaries, not the chunks behind them', () => {
    // ~1.1 KB rows, as a table of 1 KB blobs arrives.
    const rows = Array.from({ length: 3000 }, (_, i) => [Buffer.alloc(1000 + (i % 97), i % 251), Buffer.from('ab', 'hex'), null]);
    const whole = stream(rows);
    const got = parseCountingCopies(whole, 3);
    expect(got.ended).toBe(true);
    expect(got.rows).toEqual(rows.map((r) => r.map((f) => (f === null ? null : f.toString('hex')))));
    // Each cut row is joined with at most a few KB of what follows it (joining it with the
    // whole next chunk copied the stream once more).
    expect(got.copied).toBeLessThan(whole.length / 8);
  });

  it('a stream cut off before its trailer is not ended', () => {
    const whole = stream(ROWS);
    const got = parse([whole.subarray(0, whole.length - 1)], 3);
    expect(got).toEqual({ rows: expected, ended: false });
  });
});

/** Splits `chunks` into whole-row chunks and parses each one on its own, as a worker would. */
function splitThenParse(chunks: Buffer[], fields: number, chunkBytes: number): { rows: RawValue[][]; pieces: number } {
  const splitter = new CopyRowSplitter(fields, chunkBytes);
  const pieces = [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
  const rows: RawValue[][] = [];
  for (const piece of pieces) {
    const parser = new CopyBinaryParser(Array(fields).fill(hex), { withoutHeader: true });
    const mine: RawValue[][] = [];
    parser.push(piece.rows, mine);
    expect(mine).toHaveLength(piece.count);
    rows.push(...mine);
  }
  return { rows, pieces: pieces.length };
}

describe('CopyRowSplitter', () => {
  it('cuts at row boundaries for every single cut and every pair of cuts, whatever the chunk size', () => {
    const whole = stream(ROWS, 3);
    for (const chunkBytes of [1, 20, 1 << 20]) {
      for (let i = 0; i <= whole.length; i++) {
        expect(splitThenParse([whole.subarray(0, i), whole.subarray(i)], 3, chunkBytes).rows).toEqual(expected);
        for (let j = i; j <= whole.length; j += 5) {
          expect(splitThenParse([whole.subarray(0, i), whole.subarray(i, j), whole.subarray(j)], 3, chunkBytes).rows).toEqual(expected);
        }
      }
    }
  });

  it('gives chunks of about chunkBytes (all but the last at most one row short of it), one for a small stream', () => {
    const many = Array.from({ length: 500 }, (_, i) => [Buffer.alloc(i % 50, i & 255), null, Buffer.from([i & 255])]);
    const whole = stream(many);
    const bytes = [...whole].map((b) => Buffer.from([b]));
    const splitter = new CopyRowSplitter(3, 1000);
    const pieces = [...bytes.flatMap((c) => splitter.push(c)), ...splitter.end()];
    expect(pieces.length).toBeGreaterThan(5);
    // Rows here are at most 2 + 3 x 4 + 49 + 1 = 64 bytes.
    for (const p of pieces.slice(0, -1)) expect(p.rows.length).toBeGreaterThanOrEqual(1000 - 64);
    expect(pieces.reduce((n, p) => n + p.count, 0)).toBe(500);
    expect(splitThenParse([whole], 3, 1 << 20).pieces).toBe(1);
  });

  it('refuses a stream cut off in a row or before its trailer, and rows of the wrong width', () => {
    const whole = stream(ROWS);
    expect(() => splitThenParse([whole.subarray(0, whole.length - 1)], 3, 1 << 20)).toThrow(CopyFormatError);
    expect(() => splitThenParse([whole.subarray(0, whole.length - 10)], 3, 1 << 20)).toThrow(/middle of a row/);
    expect(() => splitThenParse([whole], 4, 1 << 20)).toThrow(/3 fields, expected 4/);
  });
});
