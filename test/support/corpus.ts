/**
 * Restore a reference corpus of the DataJoint harness (`../shared/datajoint-harness/corpus/`,
 * real DataJoint-made databases: dump + object store + digest) into a test backend:
 * - MariaDB dump → the test MariaDB through the `mariadb` client, schemas renamed `dj_*` →
 *   `<prefix>*` (identifiers and `~lineage` values; object metadata keeps its paths);
 * - PostgreSQL dump → a fresh test database through `psql` (names unchanged);
 * - PostgreSQL dump → PGlite in-process: statements executed as they are, COPY blocks turned
 *   into INSERTs (COPY FROM STDIN does not exist in-process).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Database } from '../../src/db/types.js';
import type { Scratch, TestBackend } from './backends.js';

/** The repository root: the nearest folder with a package.json (also from a compiled copy in .bench/). */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

const repoRoot = findRepoRoot();
export const HARNESS_DIR = path.resolve(repoRoot, '../shared/datajoint-harness');
export const CORPORA = ['mariadb-dj2', 'postgres-dj2'] as const;
export type Corpus = (typeof CORPORA)[number];

export function corpusDir(name: Corpus): string {
  return path.join(HARNESS_DIR, 'corpus', name);
}

export function corpusPresent(name: Corpus): boolean {
  return existsSync(path.join(corpusDir(name), 'dump.sql.gz'));
}

export interface CorpusMeta {
  backend: 'mysql' | 'postgresql';
  prefix: string;
  schemas: string[];
  store_names: string[];
  store_files: number;
}

export function corpusMeta(name: Corpus): CorpusMeta {
  return JSON.parse(readFileSync(path.join(corpusDir(name), 'meta.json'), 'utf8')) as CorpusMeta;
}

export interface Digest {
  schemas: Record<string, { tables: Record<string, { row_count: number; primary_key: string[] }>; internal: Record<string, { row_count: number }> }>;
}

export function corpusDigest(name: Corpus): Digest {
  return JSON.parse(readFileSync(path.join(corpusDir(name), 'digest.json'), 'utf8')) as Digest;
}

/** Which backends can hold which corpus. */
export function corpusFits(name: Corpus, backend: TestBackend): boolean {
  return name === 'mariadb-dj2' ? backend.family === 'mysql' : backend.family === 'postgres';
}

export interface RestoredCorpus {
  /** Schema names in the target, in the corpus's order. */
  schemas: string[];
  /** corpus name (`test1`) → schema in the target */
  schemaOf: (short: string) => string;
  /** DataJoint-style stores config over the extracted store root. */
  stores: Record<string, unknown>;
  storeRoot: string;
}

export async function restoreCorpus(name: Corpus, backend: TestBackend, scratch: Scratch, workDir: string): Promise<RestoredCorpus> {
  const meta = corpusMeta(name);
  const storeRoot = path.join(workDir, 'store');
  await mkdir(storeRoot, { recursive: true });
  await run('tar', ['-xzf', path.join(corpusDir(name), 'store.tar.gz'), '-C', storeRoot]);
  const stores: Record<string, unknown> = { default: 'main', filepath_default: 'files' };
  for (const s of meta.store_names) stores[s] = { protocol: 'file', location: path.join(storeRoot, s) };

  let dump = gunzipSync(readFileSync(path.join(corpusDir(name), 'dump.sql.gz'))).toString('utf8');
  const original = meta.prefix;
  let prefix = original;
  if (backend.name === 'mariadb') {
    prefix = scratch.prefix;
    dump = renameMariadbDump(dump, meta.schemas, original, prefix);
    await run('mariadb', ['--no-defaults', '--protocol=TCP', '-h', backend.server!.host, '-P', String(backend.server!.port),
      '-u', backend.server!.user, '--max-allowed-packet=512M'], dump, { MYSQL_PWD: scratch.password ?? '' });
  } else if (backend.name === 'postgres') {
    const url = new URL(scratch.url);
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port, '-U', decodeURIComponent(url.username),
      '-d', url.pathname.slice(1)], dump, { PGPASSWORD: scratch.password ?? '' });
  } else {
    const db = await scratch.connect();
    try {
      await loadPgDumpInProcess(db, dump);
    } finally {
      await db.close();
    }
  }
  const schemas = meta.schemas.map((s) => prefix + s.slice(original.length));
  return { schemas, schemaOf: (short) => prefix + short, stores, storeRoot };
}

/** Rename the corpus schemas in identifiers and in `~lineage` values (which start with the schema). */
export function renameMariadbDump(dump: string, schemas: string[], from: string, to: string): string {
  const names = new Set(schemas);
  return dump
    .replace(/`([^`]+)`/g, (m, name: string) => (names.has(name) ? '`' + to + name.slice(from.length) + '`' : m))
    .replace(/'([a-z0-9_]+)\./g, (m, name: string) => (names.has(name) ? `'${to}${name.slice(from.length)}.` : m));
}

/** Execute a plain pg_dump in-process: psql meta-commands dropped, COPY data as INSERTs. */
export async function loadPgDumpInProcess(db: Database, dump: string): Promise<void> {
  const lines = dump.split('\n');
  let sql: string[] = [];
  const flush = async () => {
    const text = sql.join('\n').trim();
    sql = [];
    if (text) await db.execute(text);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('\\')) continue; // \restrict, \unrestrict, \connect …
    const copy = /^COPY (.+?) \((.*)\) FROM stdin;$/.exec(line);
    if (!copy) {
      sql.push(line);
      continue;
    }
    await flush();
    const rows: string[] = [];
    for (i++; lines[i] !== '\\.'; i++) {
      rows.push(`(${lines[i].split('\t').map(copyFieldLiteral).join(', ')})`);
    }
    for (let r = 0; r < rows.length; r += 500) {
      await db.execute(`INSERT INTO ${copy[1]} (${copy[2]}) VALUES ${rows.slice(r, r + 500).join(',\n')};`);
    }
  }
  await flush();
}

function copyFieldLiteral(field: string): string {
  if (field === '\\N') return 'NULL';
  const text = field.replace(/\\(.)/g, (_m, c: string) => ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<string, string>)[c] ?? c);
  return `'${text.replace(/'/g, "''")}'`;
}

function run(cmd: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${stderr.slice(0, 2000)}`))));
    child.stdin.end(input ?? '');
  });
}
