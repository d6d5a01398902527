/**
 * Worker thread of the digest pool (digest-pool.ts): decodes a share of a table's rows, from
 * row groups of a Parquet file or from binary COPY rows of a PostgreSQL target, and returns the
 * 32-byte digest of every row (formats/hash.md "Row digest"), so logical hashes are computed on
 * every core.
 */
import { parentPort } from 'node:worker_threads';
import { binaryDecoders, CopyBinaryParser } from '../db/postgres/copy-binary.js';
import type { RawValue } from '../db/types.js';
import { RowDigester } from '../hash/row-digest.js';
import type { RecordBatch } from 'apache-arrow';
import type { CValue } from '../values/kinds.js';
import { normalizerFor } from '../values/normalize.js';
import type { CopyRowsTask, DigestReply, DigestTask, ParquetRowsTask, PreloadParquet } from './digest-protocol.js';

const port = parentPort!;

/** Digests of rows, in order, in a buffer that grows as rows come. */
class Digests {
  buf = new Uint8Array(64 * 1024);
  rows = 0;

  /** Room for `n` more digests; returns the offset of the first. */
  reserve(n: number): number {
    if ((this.rows + n) * 32 > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < (this.rows + n) * 32) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.rows * 32));
      this.buf = next;
    }
    const at = this.rows * 32;
    this.rows += n;
    return at;
  }
}

// Loaded on first use: a worker that only decodes COPY rows does without parquet-wasm and Arrow (~40 MB).
let parquetModules: Promise<[typeof import('../parquet/reader.js'), typeof import('../parquet/batch-digest.js')]> | null = null;
const loadParquet = () => (parquetModules ??= Promise.all([import('../parquet/reader.js'), import('../parquet/batch-digest.js')]));

async function digestParquetRows(task: Extract<DigestTask, ParquetRowsTask>, out: Digests): Promise<void> {
  const [{ forEachParquetBatch }, { BatchDigester }] = await loadParquet();
  const digester = new BatchDigester(task.columns);
  const each = (batch: RecordBatch): void => {
    const at = out.reserve(batch.numRows); // first: it may replace out.buf
    digester.digestBatch(batch, out.buf, at);
  };
  await forEachParquetBatch(task.file, each, { rowGroups: task.rowGroups });
}

/**
 * Each row is normalised and digested as soon as it is decoded, into one reused array: holding
 * a whole chunk of decoded rows (and their normalised copies) kept them alive through every
 * young-generation collection, which then copied and promoted them.
 */
function digestCopyRows(task: Extract<DigestTask, CopyRowsTask>, out: Digests): void {
  const decoders = binaryDecoders(task.types);
  if (!decoders) throw new Error(`no binary decoder for a column type among ${task.types.join(', ')}`);
  const normalizers = task.normalize.map((c) => normalizerFor(task.family, c));
  const row: CValue[] = new Array(normalizers.length);
  const digester = new RowDigester(task.columns);
  const parser = new CopyBinaryParser(decoders, { withoutHeader: true });
  parser.push(Buffer.from(task.rows.buffer, task.rows.byteOffset, task.rows.byteLength), {
    push(raw: RawValue[]) {
      for (let i = 0; i < normalizers.length; i++) row[i] = normalizers[i](raw[i]);
      const at = out.reserve(1);
      digester.digestInto(row, out.buf, at);
    },
  });
}

async function run(task: DigestTask): Promise<DigestReply> {
  try {
    const out = new Digests();
    if (task.kind === 'parquet') await digestParquetRows(task, out);
    else digestCopyRows(task, out);
    return { id: task.id, rows: out.rows, digests: out.buf.slice(0, out.rows * 32) };
  } catch (e) {
    return { id: task.id, error: (e as Error).message ?? String(e) };
  }
}

port.on('message', (task: DigestTask | PreloadParquet) => {
  if (task.kind === 'preload-parquet') {
    // A failure to load shows in the first task, which loads again.
    loadParquet().catch(() => (parquetModules = null));
    return;
  }
  void run(task).then((reply) => port.postMessage(reply, 'digests' in reply ? [reply.digests.buffer as ArrayBuffer] : []));
});
