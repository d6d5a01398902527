/**
 * The Arrow IPC record-batch message header for a batch whose buffers already lie in one
 * body, so the encoding worker can hand parquet-wasm a stream without Apache Arrow JS copying
 * every buffer twice (into chunks, then joined) per batch.
 *
 * Encapsulated message (Arrow columnar format, "IPC streaming format"): 0xFFFFFFFF, int32
 * metadata size (flatbuffer plus padding to 8 bytes), the flatbuffer `Message`, then the body.
 * The flatbuffer is laid out by hand, front to back, with every scalar at its natural alignment
 * (what the flatbuffers verifier in arrow-rs checks):
 *
 *   0  uint32 root offset -> Message table (16)
 *   4  Message vtable: size 12, table size 20, fields version@16 header_type@18 header@4 bodyLength@8
 *  16  Message table: soffset, header offset -> RecordBatch (48), bodyLength, version V5, type RecordBatch
 *  36  RecordBatch vtable: size 10, table size 24, fields length@8 nodes@4 buffers@16
 *  48  RecordBatch table: soffset, nodes offset, length, buffers offset
 *  76  nodes vector: count, then 16-byte FieldNode structs (length, null_count) from 80
 *   …  4 bytes padding, buffers vector: count, then 16-byte Buffer structs (offset, length)
 */

export interface FieldNode {
  length: number;
  nullCount: number;
}

export interface BodyBuffer {
  /** Byte offset from the start of the body (a multiple of 8). */
  offset: number;
  length: number;
}

const METADATA_V5 = 4;
const HEADER_RECORD_BATCH = 3;
const CONTINUATION = 0xffffffff;

function setU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n % 4294967296, true);
  v.setUint32(at + 4, Math.floor(n / 4294967296), true);
}

/** The encapsulated record-batch message that precedes a body of `bodyLength` bytes. */
export function recordBatchMessage(rows: number, nodes: readonly FieldNode[], buffers: readonly BodyBuffer[], bodyLength: number): Uint8Array {
  const nodesAt = 76;
  // +4 padding: the count sits 4 bytes before 8-aligned structs.
  const buffersAt = nodesAt + 4 + 16 * nodes.length + 4;
  const fbEnd = buffersAt + 4 + 16 * buffers.length;
  const metaSize = (fbEnd + 7) & ~7;
  const out = new Uint8Array(8 + metaSize);
  const prefix = new DataView(out.buffer);
  prefix.setUint32(0, CONTINUATION, true);
  prefix.setInt32(4, metaSize, true);
  const v = new DataView(out.buffer, 8);
  v.setUint32(0, 16, true);
  // Message vtable and table.
  v.setUint16(4, 12, true);
  v.setUint16(6, 20, true);
  v.setUint16(8, 16, true);
  v.setUint16(10, 18, true);
  v.setUint16(12, 4, true);
  v.setUint16(14, 8, true);
  v.setInt32(16, 16 - 4, true);
  v.setUint32(20, 48 - 20, true);
  setU64(v, 24, bodyLength);
  v.setInt16(32, METADATA_V5, true);
  v.setUint8(34, HEADER_RECORD_BATCH);
  // RecordBatch vtable and table.
  v.setUint16(36, 10, true);
  v.setUint16(38, 24, true);
  v.setUint16(40, 8, true);
  v.setUint16(42, 4, true);
  v.setUint16(44, 16, true);
  v.setInt32(48, 48 - 36, true);
  v.setUint32(52, nodesAt - 52, true);
  setU64(v, 56, rows);
  v.setUint32(64, buffersAt - 64, true);
  v.setUint32(nodesAt, nodes.length, true);
  nodes.forEach((n, i) => {
    setU64(v, nodesAt + 4 + 16 * i, n.length);
    setU64(v, nodesAt + 12 + 16 * i, n.nullCount);
  });
  v.setUint32(buffersAt, buffers.length, true);
  buffers.forEach((b, i) => {
    setU64(v, buffersAt + 4 + 16 * i, b.offset);
    setU64(v, buffersAt + 12 + 16 * i, b.length);
  });
  return out;
}

/** The end-of-stream marker. */
export const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
