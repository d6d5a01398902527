/*
 * Parquet write/read and logical-hash throughput on 1 M rows.
 *
 * Run from the repo root (compiles into the git-ignored .bench/):
 *   npm run bench:parquet
 * Options: `npm run bench:parquet -- [rows] [phase]`, phase one of gen (harness
 * baseline), write, read, hash-wide, hash-narrow (default: all, each in its own process so
 * peak RSS is per phase). DJ_BENCH_GROUP_BYTES=<n> tries another row-group byte cap.
 *
 * Rows: int64 key, int32, float64, varchar(16..24), datetime, decimal(10,3), ~1 KB random bytes
 * (~1.1 KB per row, the shape the 300 MB peak-RSS budget is set for). Data generation runs in
 * the same process and is timed separately ("gen"), so rates are for the work itself.
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TableHasher } from '../src/hash/table-hasher.js';
import { readParquet } from '../src/parquet/reader.js';
import { writeParquet } from '../src/parquet/writer.js';
import type { ColumnShape, CValue } from '../src/values/kinds.js';

const COLUMNS: ColumnShape[] = [
  { name: 'id', kind: 'int64', nullable: false, djType: 'int64', sqlType: 'bigint' },
  { name: 'n', kind: 'int32', nullable: false, djType: 'int32', sqlType: 'int' },
  { name: 'x', kind: 'float64', nullable: false, djType: 'float64', sqlType: 'double' },
  { name: 'label', kind: 'string', nullable: false, djType: 'varchar(32)', sqlType: 'varchar(32)' },
  { name: 'ts', kind: 'datetime', nullable: false, djType: 'datetime(6)', sqlType: 'datetime(6)', fsp: 6 },
  { name: 'amount', kind: 'decimal', nullable: false, precision: 10, scale: 3, djType: 'decimal(10,3)', sqlType: 'decimal(10,3)' },
  { name: 'payload', kind: 'bytes', nullable: false, djType: '<blob>', sqlType: 'longblob' },
];
const NARROW = COLUMNS.slice(0, 6);
const CHUNK = 10_000;

/** Rows in chunks of 10k; one random buffer per chunk backs the chunk's blobs. */
function* generate(total: number, withBlob: boolean): Generator<CValue[][]> {
  for (let start = 0; start < total; start += CHUNK) {
    const n = Math.min(CHUNK, total - start);
    const blob = withBlob ? randomFillSync(Buffer.allocUnsafe(n * 1024)) : null;
    const rows: CValue[][] = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const row: CValue[] = [BigInt(i), i % 100_000, i * 0.25, `label-${(i * 2654435761) % 1e9}`.slice(0, 16 + (i % 9)),
        1_600_000_000_000_000n + BigInt(i) * 1_000_123n, `${(i % 9_999_999) - 5_000_000}.${String(i % 1000).padStart(3, '0')}`];
      if (blob) row.push(blob.subarray(k * 1024, k * 1024 + 1000 + (i % 48)));
      rows[k] = row;
    }
    yield rows;
  }
}

interface Timed<T> { gen: number; work: number; result: T }

/** Feeds generated chunks to `consume`, timing generation and consumption apart. */
async function timed<T>(total: number, withBlob: boolean, run: (rows: AsyncIterable<CValue[][]>) => Promise<T>): Promise<Timed<T>> {
  let gen = 0;
  const t0 = performance.now();
  async function* source(): AsyncGenerator<CValue[][]> {
    const it = generate(total, withBlob);
    for (;;) {
      const g = performance.now();
      const r = it.next();
      gen += performance.now() - g;
      if (r.done) return;
      yield r.value;
    }
  }
  const result = await run(source());
  return { gen: gen / 1000, work: (performance.now() - t0) / 1000 - gen / 1000, result };
}

const mb = (b: number): string => (b / 1e6).toFixed(1);
const rss = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

async function phase(name: string, total: number, dir: string): Promise<void> {
  const file = join(dir, 'bench.parquet');
  if (name === 'gen') {
    // Baseline: the same generated rows, consumed by nothing (peak RSS of the harness itself).
    const r = await timed(total, true, async (rows) => { for await (const chunk of rows) void chunk; });
    console.log(`gen    ${total} rows: ${r.gen.toFixed(2)} s, peak RSS ${rss()} (baseline for write and hash-wide)`);
  } else if (name === 'write') {
    const groupBytes = process.env.DJ_BENCH_GROUP_BYTES ? Number(process.env.DJ_BENCH_GROUP_BYTES) : undefined;
    const r = await timed(total, true, (rows) => writeParquet(file, COLUMNS, rows, { rowGroupMaxBytes: groupBytes }));
    const raw = total * (8 + 4 + 8 + 20 + 8 + 16 + 1024);
    console.log(`write  ${total} rows: ${r.work.toFixed(2)} s (+${r.gen.toFixed(2)} s gen), ${(total / r.work / 1000).toFixed(0)}k rows/s, ` +
      `${(raw / r.work / 1e6).toFixed(0)} MB/s of values, file ${mb(r.result.bytes)} MB, peak RSS ${rss()}`);
  } else if (name === 'read') {
    const t0 = performance.now();
    let n = 0;
    for await (const chunk of readParquet(file)) n += chunk.length;
    const s = (performance.now() - t0) / 1000;
    const size = statSync(file).size;
    console.log(`read   ${n} rows: ${s.toFixed(2)} s, ${(n / s / 1000).toFixed(0)}k rows/s, ${mb(size / s)} file MB/s, peak RSS ${rss()}`);
  } else if (name === 'hash-wide' || name === 'hash-narrow') {
    const cols = name === 'hash-wide' ? COLUMNS : NARROW;
    const r = await timed(total, name === 'hash-wide', async (rows) => {
      const h = new TableHasher(cols);
      for await (const chunk of rows) h.addRows(chunk);
      return h.digest();
    });
    console.log(`${name.padEnd(11)} ${total} rows: ${r.work.toFixed(2)} s (+${r.gen.toFixed(2)} s gen), ${(total / r.work / 1000).toFixed(0)}k rows/s, peak RSS ${rss()}`);
  }
}

const total = Number(process.argv[2] ?? 1_000_000);
const only = process.argv[3];
if (only) {
  const dir = process.argv[4] ?? mkdtempSync(join(tmpdir(), 'dj-bench-'));
  await phase(only, total, dir);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'dj-bench-'));
  try {
    for (const p of ['gen', 'write', 'read', 'hash-wide', 'hash-narrow']) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), String(total), p, dir], { stdio: 'inherit' });
      if (r.status !== 0) process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
