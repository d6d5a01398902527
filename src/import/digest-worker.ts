/**
 * Worker thread of the digest pool (digest-pool.ts): reads the given row groups of one Parquet
 * file and returns the 32-byte digest of every row (formats/hash.md "Row digest"), so the
 * snapshot's logical hashes are recomputed on every core.
 */
import { parentPort } from 'node:worker_threads';
import { RowDigester } from '../hash/row-digest.js';
import { readParquet } from '../parquet/reader.js';
import type { DigestReply, DigestTask } from './digest-protocol.js';

const port = parentPort!;

async function run(task: DigestTask): Promise<DigestReply> {
  try {
    const digester = new RowDigester(task.columns);
    let digests = new Uint8Array(64 * 1024);
    let rows = 0;
    for await (const batch of readParquet(task.file, { rowGroups: task.rowGroups })) {
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
