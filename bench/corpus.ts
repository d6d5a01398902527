/**
 * Many small tables: dj-export and dj-import of the DataJoint harness corpora (real pipelines
 * made by DataJoint 2.3.2: ~90 tables in 9–10 schemas, a few thousand rows, a store of ~40
 * files), beside the dump tools on the same schemas. Where the 1M-row benchmarks measure
 * throughput, this measures what a typical lab pipeline pays per table and per command.
 * Needs `../shared/datajoint-harness/corpus/` (skips a corpus that is absent). From the
 * repository root:
 *
 *   npm run bench:corpus
 *
 * Each tool runs as its own process under /usr/bin/time. The imports go into an empty target:
 * the corpus's schemas are dropped before each restore (dump or dj-import). dj-import's time
 * includes verifying the snapshot before and the target after, and copying the store.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { connect } from '../src/db/connect.js';
import { CORPORA, corpusDir, corpusMeta, corpusPresent, type Corpus } from '../test/support/corpus.js';
import { type BenchServer, type Measured, nodeOptionsOf, PASSWORD, timed, withBenchServers } from './support.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const exportCli = path.join(repoRoot, '.bench/cli/dj-export.js');
const importCli = path.join(repoRoot, '.bench/cli/dj-import.js');

/** Client arguments to reach a bench server (the PostgreSQL ones name the `bench` database). */
function clientArgs(s: BenchServer): string[] {
  return s.mysql
    ? ['--no-defaults', '--protocol=TCP', '-h', s.info.host, '-P', String(s.info.port), '-u', s.info.user]
    : ['-h', s.info.host, '-p', String(s.info.port), '-U', s.info.user];
}

const clientEnv = { MYSQL_PWD: PASSWORD, PGPASSWORD: PASSWORD };

async function dropSchemas(s: BenchServer, schemas: string[]): Promise<void> {
  const db = await connect(s.url, { password: PASSWORD });
  try {
    for (const name of schemas) {
      await db.execute(s.mysql ? `DROP DATABASE IF EXISTS ${db.quoteIdent(name)}` : `DROP SCHEMA IF EXISTS ${db.quoteIdent(name)} CASCADE`);
    }
  } finally {
    await db.close();
  }
}

/** Writes a DataJoint-style stores config with every store of the corpus under `root`. */
async function storesFile(file: string, names: string[], root: string): Promise<void> {
  const stores: Record<string, unknown> = { default: 'main', filepath_default: 'files' };
  for (const s of names) stores[s] = { protocol: 'file', location: path.join(root, s) };
  await writeFile(file, JSON.stringify(stores));
}

function row(label: string, m: Measured, tables: number): string {
  return `| ${label.padEnd(40)} | ${m.seconds.toFixed(2).padStart(6)} s | ${((m.seconds * 1000) / tables).toFixed(1).padStart(5)} ms | ${m.maxRssMb.toFixed(0).padStart(5)} MB |`;
}

async function benchCorpus(corpus: Corpus, s: BenchServer, work: string, lines: string[]): Promise<void> {
  const meta = corpusMeta(corpus);
  const dir = path.join(work, corpus);
  await mkdir(dir, { recursive: true });
  const storeRoot = path.join(dir, 'store');
  await mkdir(storeRoot);
  execFileSync('tar', ['-xzf', path.join(corpusDir(corpus), 'store.tar.gz'), '-C', storeRoot]);
  await storesFile(path.join(dir, 'stores.json'), meta.store_names, storeRoot);
  const dump = gunzipSync(readFileSync(path.join(corpusDir(corpus), 'dump.sql.gz')));
  const restore = s.mysql ? 'mariadb' : 'psql';
  const restoreArgs = s.mysql ? clientArgs(s) : ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...clientArgs(s), '-d', 'bench'];
  execFileSync(restore, restoreArgs, { input: dump, env: { ...process.env, ...clientEnv }, stdio: ['pipe', 'ignore', 'inherit'] });

  const repo = path.join(dir, 'snapshot');
  const exported = await timed(process.execPath, [...nodeOptionsOf('dj-export', repoRoot), exportCli, '--db', s.url, '--schema', `${meta.prefix}*`,
    '--stores', path.join(dir, 'stores.json'), '--repo', repo, '--json'], { DJ_PASS: PASSWORD });
  const tables = (JSON.parse(exported.stdout) as { tables: number }).tables;
  lines.push(`| **${corpus}** (${meta.schemas.length} schemas, ${tables} tables, ${meta.store_files} store files) on ${s.name} | | per table | |`);
  lines.push(row('dj-export', exported, tables));

  const dumpFile = path.join(dir, 'dump.sql');
  const dumped = s.mysql
    ? await timed('mysqldump', [...clientArgs(s), '--single-transaction', '--quick', '--hex-blob', '--skip-dump-date', '--databases', ...meta.schemas], clientEnv, { stdout: dumpFile })
    : await timed('pg_dump', [...clientArgs(s), ...meta.schemas.flatMap((n) => ['-n', n]), 'bench'], clientEnv, { stdout: dumpFile });
  lines.push(row(s.mysql ? 'mysqldump (schemas only, no store)' : 'pg_dump (schemas only, no store)', dumped, tables));

  await dropSchemas(s, meta.schemas);
  const restored = await timed(restore, restoreArgs, clientEnv, { stdin: dumpFile });
  lines.push(row(`${restore} < dump`, restored, tables));

  await dropSchemas(s, meta.schemas);
  const targetStores = path.join(dir, 'target-stores.json');
  await storesFile(targetStores, meta.store_names, path.join(dir, 'target-store'));
  const imported = await timed(process.execPath, [...nodeOptionsOf('dj-import', repoRoot), importCli, repo, '--db', s.url, '--stores', targetStores, '--json'], { DJ_PASS: PASSWORD });
  lines.push(row(`dj-import → ${s.name} (store included)`, imported, tables));
  lines.push(`| ↳ ${phases(imported)} | | | |`);

  await storesFile(targetStores, meta.store_names, path.join(dir, 'pglite-store'));
  const lossy = s.mysql ? ['--lossy'] : [];
  const embedded = await timed(process.execPath, [...nodeOptionsOf('dj-import', repoRoot), importCli, repo, '--db', `pglite:${path.join(dir, 'pglite')}`, '--stores', targetStores, '--json', ...lossy], {});
  lines.push(row('dj-import → PGlite (new folder, store included)', embedded, tables));
  lines.push(`| ↳ ${phases(embedded)} | | | |`);
}

function phases(m: Measured): string {
  const p = (JSON.parse(m.stdout) as { phases: Record<'verify' | 'load' | 'objects' | 'check', number> }).phases;
  return `verify snapshot ${p.verify.toFixed(2)} s, load ${p.load.toFixed(2)} s, objects ${p.objects.toFixed(2)} s, verify target ${p.check.toFixed(2)} s`;
}

async function main(): Promise<void> {
  const present = CORPORA.filter((c) => corpusPresent(c));
  for (const c of CORPORA.filter((c) => !present.includes(c))) console.warn(`SKIPPING ${c}: ../shared/datajoint-harness/corpus/${c} is absent`);
  if (!present.length) return;
  await withBenchServers('dj-bench-corpus-', async (servers, work) => {
    console.log(`Corpus benchmark: real DataJoint pipelines of many small tables, ${os.cpus().length} cores\n`);
    const lines = ['| tool | time | per table | peak RSS |', '|---|---|---|---|'];
    for (const corpus of present) {
      const server = servers.find((s) => s.mysql === (corpusMeta(corpus).backend === 'mysql'))!;
      await benchCorpus(corpus, server, work, lines);
    }
    console.log(lines.join('\n'));
    await rm(work, { recursive: true, force: true });
  });
}

await main();
