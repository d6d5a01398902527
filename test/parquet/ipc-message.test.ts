/**
 * The hand-laid Arrow IPC record-batch header (src/parquet/ipc-message.ts) is read by Apache
 * Arrow JS and by parquet-wasm (arrow-rs, which verifies the flatbuffer) as the batch it
 * describes: values, NULLs and every buffer layout the writer uses.
 */
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { END_OF_STREAM, recordBatchMessage, type BodyBuffer, type FieldNode } from '../../src/parquet/ipc-message.js';

const align8 = (n: number): number => (n + 7) & ~7;

/** A stream of arrow's schema message, our header, and a body of these buffers (per column: validity, [offsets,] data). */
function streamOf(schema: arrow.Schema, rows: number, columns: { nullCount: number; buffers: (Uint8Array | null)[] }[]): Uint8Array {
  const schemaIpc = arrow.tableToIPC(new arrow.Table(schema), 'stream');
  const schemaMessage = schemaIpc.subarray(0, schemaIpc.length - 8);
  const nodes: FieldNode[] = [];
  const buffers: BodyBuffer[] = [];
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const c of columns) {
    nodes.push({ length: rows, nullCount: c.nullCount });
    for (const b of c.buffers) {
      if (b === null) {
        buffers.push({ offset: 0, length: 0 });
        continue;
      }
      buffers.push({ offset: at, length: b.length });
      const padded = new Uint8Array(align8(b.length));
      padded.set(b);
      parts.push(padded);
      at += padded.length;
    }
  }
  const header = recordBatchMessage(rows, nodes, buffers, at);
  const out = new Uint8Array(schemaMessage.length + header.length + at + 8);
  out.set(schemaMessage, 0);
  out.set(header, schemaMessage.length);
  let p = schemaMessage.length + header.length;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  out.set(END_OF_STREAM, p);
  return out;
}

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('record-batch message', () => {
  const schema = new arrow.Schema([
    new arrow.Field('i', new arrow.Int32(), true),
    new arrow.Field('s', new arrow.Utf8(), false),
    new arrow.Field('t', new arrow.TimestampMicrosecond(null), false),
    new arrow.Field('b', new arrow.Bool(), false),
  ]);
  const rows = 3;
  const text = Buffer.from('héllo' + '' + 'xyz');
  const stream = streamOf(schema, rows, [
    { nullCount: 1, buffers: [Uint8Array.of(0b101), bytes(Int32Array.of(7, 0, -9))] },
    { nullCount: 0, buffers: [null, bytes(Int32Array.of(0, 6, 6, 9)), text] },
    { nullCount: 0, buffers: [null, bytes(BigInt64Array.of(0n, 1_000_000n, -5n))] },
    { nullCount: 0, buffers: [null, Uint8Array.of(0b110)] },
  ]);

  it('Apache Arrow JS reads back the values and NULLs', () => {
    const t = arrow.tableFromIPC(stream);
    expect(t.numRows).toBe(3);
    expect(t.toArray().map((r) => r.toJSON())).toEqual([
      { i: 7, s: 'héllo', t: 0n, b: false },
      { i: null, s: '', t: 1_000_000n, b: true },
      { i: -9, s: 'xyz', t: -5n, b: true },
    ].map((r) => ({ ...r, t: Number(r.t) / 1000 }))); // Arrow JS gives timestamps in (fractional) milliseconds
  });

  it('parquet-wasm accepts it and keeps every row', () => {
    const table = pw.Table.fromIPCStream(stream);
    try {
      expect(table.numBatches).toBe(1);
      const rb = table.recordBatch(0)!;
      expect(rb.numRows).toBe(3);
      rb.free();
    } finally {
      table.free();
    }
  });
});
