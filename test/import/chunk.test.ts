/**
 * ChunkWriter's memory: it grows as rows need it, so that the many small tables of a real
 * pipeline never allocate a full-size chunk buffer each, and a chunk once taken never changes.
 */
import { describe, expect, it } from 'vitest';
import { ChunkWriter } from '../../src/import/encode/chunk.js';

const MiB = 1 << 20;

describe('ChunkWriter', () => {
  it('holds only what a small table needs, not the usual chunk size', () => {
    const w = new ChunkWriter(16 * MiB);
    expect(w.buf.length).toBe(0);
    w.bytes(new Uint8Array(100));
    expect(w.buf.length).toBeLessThanOrEqual(64 * 1024);
    w.bytes(new Uint8Array(200 * 1024));
    expect(w.buf.length).toBeGreaterThanOrEqual(200 * 1024 + 100);
    expect(w.buf.length).toBeLessThan(MiB);
  });

  it('allocates nothing on the last take', () => {
    const w = new ChunkWriter(16 * MiB);
    w.utf8('row\n');
    expect(w.take().toString()).toBe('row\n');
    expect(w.buf.length).toBe(0);
    expect(w.size).toBe(0);
  });

  it('starts a chunk at the size the last one reached, never above the usual size', () => {
    const w = new ChunkWriter(2 * MiB);
    w.bytes(new Uint8Array(MiB + 1));
    const grown = w.buf.length;
    w.take();
    w.byte(1);
    expect(w.buf.length).toBe(grown);

    // One huge row: the chunk after it is back to the usual size.
    w.bytes(new Uint8Array(9 * MiB));
    w.take();
    w.byte(1);
    expect(w.buf.length).toBe(2 * MiB);
  });

  it('hands out chunks that later writes do not change', () => {
    const w = new ChunkWriter(8);
    w.ascii('abcdefgh');
    const first = w.take();
    w.ascii('ZZZZZZZZ');
    const second = w.take();
    expect(first.toString()).toBe('abcdefgh');
    expect(second.toString()).toBe('ZZZZZZZZ');
  });
});
