/**
 * dj-serve start-up time on the demo snapshot (target: under 5 s), measured two ways:
 *   - process: spawn `dj-serve SNAPSHOT --port P` → the port accepts a TCP connection
 *     (also: the process's peak RSS, and SIGINT → exit);
 *   - in-process: serveSnapshot() from the call to listening (create an in-memory PGlite,
 *     import and verify the snapshot, RESET ALL, listen), with the import's share;
 * each with the cached empty cluster (the usual case after the first start) and without it
 * (`--no-cache`: initdb every time, as on the very first start).
 *
 *   npm run bench:serve          # 5 runs of each
 *   npm run bench:serve -- 10    # 10 runs of each
 *
 * Everything lives in a temp dir that is removed; servers listen on 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { connect } from '../src/db/connect.js';
import { seedDemo } from '../src/demo/pipeline.js';
import { exportPipeline } from '../src/export/export.js';
import { parseStoreConfig } from '../src/objects/stores.js';
import { serveSnapshot } from '../src/serve/serve.js';

const RUNS = Number(process.argv[2] ?? 5);
const TARGET_SECONDS = 5;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, '.bench/cli/dj-serve.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** VmHWM of a live process, in MiB (Linux). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function query(port: number): Promise<void> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'unused', database: 'postgres' });
  await c.connect();
  try {
    const r = await c.query('SELECT count(*)::int AS n FROM demo_lab.subject');
    if (r.rows[0].n !== 3) throw new Error(`unexpected answer: ${JSON.stringify(r.rows)}`);
  } finally {
    await c.end();
  }
}

interface ProcessRun { listening: number; firstQuery: number; shutdown: number; peakRssMb: number }

async function processRun(snapshot: string, cacheHome: string | null): Promise<ProcessRun> {
  const port = await freePort();
  const started = performance.now();
  const args = [cli, snapshot, '--port', String(port), ...(cacheHome === null ? ['--no-cache'] : [])];
  const env = { ...process.env, ...(cacheHome === null ? {} : { XDG_CACHE_HOME: cacheHome }) };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => { dead = true; });
  while (!(await accepts(port))) {
    if (dead) throw new Error(`dj-serve exited before listening: ${stderr}`);
    await sleep(20);
  }
  const listening = (performance.now() - started) / 1000;
  await query(port);
  const firstQuery = (performance.now() - started) / 1000;
  const peak = peakRssMb(child.pid!);
  const stopping = performance.now();
  child.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`dj-serve exited ${code} after SIGINT: ${stderr}`);
  return { listening, firstQuery, shutdown: (performance.now() - stopping) / 1000, peakRssMb: peak };
}

interface InProcessRun { listening: number; importSeconds: number; close: number }

async function inProcessRun(snapshot: string, cacheDir: string | null): Promise<InProcessRun> {
  const started = performance.now();
  const served = await serveSnapshot({ snapshot, port: 0, cacheDir });
  const listening = (performance.now() - started) / 1000;
  await query(served.port);
  const closing = performance.now();
  await served.close();
  return { listening, importSeconds: served.import.seconds, close: (performance.now() - closing) / 1000 };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `min ${sorted[0].toFixed(2)}  median ${median.toFixed(2)}  max ${sorted[sorted.length - 1].toFixed(2)}`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dj-bench-serve-'));
  try {
    const snapshot = path.join(dir, 'demo-snapshot');
    const db = await connect('pglite:memory');
    try {
      const seeded = await seedDemo(db, { storeRoot: path.join(dir, 'store') });
      const exported = await exportPipeline({ db, repo: snapshot, stores: parseStoreConfig(seeded.stores, dir) });
      console.log(`demo snapshot: ${exported.tables} tables, ${exported.rows} rows, ${exported.objects.count} objects, commit ${exported.commit.slice(0, 12)}`);
    } finally {
      await db.close();
    }
    console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}, ${RUNS} runs each\n`);

    const cacheHome = path.join(dir, 'cache-home');
    const cacheDir = path.join(cacheHome, 'dj-snapshot');
    // Fill the cache once (not counted): the state after a user's first start.
    await (await serveSnapshot({ snapshot, port: 0, cacheDir })).close();

    const summary: string[] = [];
    const medians: number[] = [];
    for (const cached of [true, false]) {
      const label = cached ? 'cached cluster' : 'no cache (initdb)';
      const proc: ProcessRun[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await processRun(snapshot, cached ? cacheHome : null);
        proc.push(r);
        console.log(`process,    ${label}, run ${i + 1}: spawn → listening ${r.listening.toFixed(2)} s, first query answered ${r.firstQuery.toFixed(2)} s, peak RSS ${r.peakRssMb.toFixed(0)} MiB, SIGINT → exit ${r.shutdown.toFixed(2)} s`);
      }
      const inproc: InProcessRun[] = [];
      for (let i = 0; i < RUNS; i++) {
        const r = await inProcessRun(snapshot, cached ? cacheDir : null);
        inproc.push(r);
        console.log(`in-process, ${label}, run ${i + 1}: create + import + listen ${r.listening.toFixed(2)} s (import and verify ${r.importSeconds.toFixed(2)} s), close ${r.close.toFixed(2)} s`);
      }
      summary.push(`${label}:`);
      summary.push(`  process spawn → port accepting (s)        ${stats(proc.map((r) => r.listening))}`);
      summary.push(`  process peak RSS (MiB)                    ${stats(proc.map((r) => r.peakRssMb))}`);
      summary.push(`  in-process create + import + listen (s)   ${stats(inproc.map((r) => r.listening))}`);
      summary.push(`    of which import and verify (s)          ${stats(inproc.map((r) => r.importSeconds))}`);
      medians.push([...proc.map((r) => r.listening)].sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
    }
    console.log(`\n${summary.join('\n')}`);
    console.log(`\ntarget: spawn → listening under ${TARGET_SECONDS} s: cached ${medians[0] < TARGET_SECONDS ? 'met' : 'NOT met'} (median ${medians[0].toFixed(2)} s), without cache ${medians[1] < TARGET_SECONDS ? 'met' : 'NOT met'} (median ${medians[1].toFixed(2)} s)`);
    console.log(`load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
