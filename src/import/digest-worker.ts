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
import type { CValue } from '../values/kinds.js';
import { normalizerFor } from '../values/normalize.js';
import type { CopyRowsTask, DigestReply, DigestTask } from './digest-protocol.js';

const port = parentPort!;

/** The rows of a task, canonical, in chunks. */
async function* rowsOf(task: DigestTask): AsyncGenerator<readonly CValue[][]> {
  if (task.kind === 'parquet') {
    // Loaded on first use: a worker that only decodes COPY rows does without parquet-wasm and Arrow (~40 MB).
    const { readParquet } = await import('../parquet/reader.js');
    yield* readParquet(task.file, { rowGroups: task.rowGroups });
    return;
  }
  yield decodeCopyRows(task);
}

function decodeCopyRows(task: CopyRowsTask): CValue[][] {
  const decoders = binaryDecoders(task.types);
  if (!decoders) throw new Error(`no binary decoder for a column type among ${task.types.join(', ')}`);
  const raw: RawValue[][] = [];
  const parser = new CopyBinaryParser(decoders, { withoutHeader: true });
  parser.push(Buffer.from(task.rows.buffer, task.rows.byteOffset, task.rows.byteLength), raw);
  const normalizers = task.normalize.map((c) => normalizerFor(task.family, c));
  return raw.map((r) => r.map((v, i) => normalizers[i](v)));
}

async function run(task: DigestTask): Promise<DigestReply> {
  try {
    const digester = new RowDigester(task.columns);
    let digests = new Uint8Array(64 * 1024);
    let rows = 0;
    for await (const batch of rowsOf(task)) {
      if ((rows + batch.length) * 32 > digests.length) {
        const next = new Uint8Array(Math.max(digests.length * 2, (rows + batch.length) * 32));
        next.set(digests.subarray(0, rows * 32));
        digests = next;
      }
      for (const row of batch) digester.digestInto(row, digests, 32 * rows++);
    }
    return { id: task.id, rows, digests: digests.slice(0, rows * 32) };
  } catch (e) {
    return { id: task.id, error: (e as Error).message ?? String(e) };
  }
}

port.on('message', (task: DigestTask) => {
  void run(task).then((reply) => port.postMessage(reply, 'digests' in reply ? [reply.digests.buffer as ArrayBuffer] : []));
});
