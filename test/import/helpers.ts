/** Shared steps of the import tests: export a scratch pipeline, read manifests, look at a target. */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Database } from '../../src/db/types.js';
import { exportPipeline, type ExportResult } from '../../src/export/export.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import type { Scratch } from '../support/backends.js';

export async function tempDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `dj-import-test-${label}-`));
}

export async function writeStores(dir: string, stores: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, `stores-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(stores));
  return file;
}

/** A stores config with the same store names as `like`, each at an empty directory under `root`. */
export function emptyStoresLike(like: Record<string, unknown>, root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(like)) {
    out[name] = typeof spec === 'string' ? spec : { protocol: 'file', location: path.join(root, name) };
  }
  return out;
}

/** `partBytes`: another part limit (export.ts PART_BYTES), to get a small table in parts. */
export async function exportScratch(scratch: Scratch, schemas: string[], repo: string, stores?: Record<string, unknown>, partBytes?: number): Promise<ExportResult> {
  const db = await scratch.connect();
  try {
    return await exportPipeline({ db, schemas, repo, stores: stores ? await writeStores(path.dirname(repo), stores) : undefined, partBytes });
  } finally {
    await db.close();
  }
}

/** Every table's logical hash in a snapshot working tree, keyed `schema.table`. */
export async function tableHashes(repo: string): Promise<Map<string, { rows: number; hash: string }>> {
  const out = new Map<string, { rows: number; hash: string }>();
  for (const dir of await readdir(path.join(repo, 'schemas'))) {
    const m = JSON.parse(await readFile(path.join(repo, 'schemas', dir, 'schema.json'), 'utf8')) as SchemaManifest;
    for (const t of m.tables) out.set(`${m.name}.${t.name}`, { rows: t.rows, hash: t.hash });
  }
  return out;
}

/** Table hashes with schema names mapped, for comparing a renamed import with its source. */
export function renamedKeys(hashes: Map<string, { rows: number; hash: string }>, rename: (schema: string) => string): Map<string, { rows: number; hash: string }> {
  return new Map([...hashes].map(([k, v]) => {
    const dot = k.indexOf('.');
    return [`${rename(k.slice(0, dot))}${k.slice(dot)}`, v];
  }));
}

/** A plain-directory copy of a snapshot's working tree (no .git), to tamper with. */
export async function plainCopy(repo: string, dest: string): Promise<string> {
  await cp(repo, dest, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
  return dest;
}

export async function schemaNames(db: Database): Promise<Set<string>> {
  const rows = db.family === 'mysql'
    ? await db.query<{ n: string }>('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA')
    : await db.query<{ n: string }>('SELECT nspname AS n FROM pg_catalog.pg_namespace');
  return new Set(rows.map((r) => r.n));
}

export async function removeAll(...dirs: (string | undefined)[]): Promise<void> {
  for (const d of dirs) if (d) await rm(d, { recursive: true, force: true });
}

/**
 * Drop a scratch space's schemas that reference each other across schemas (the shared MariaDB
 * scratch clean-up drops in name order, which a cross-schema foreign key refuses).
 */
export async function dropCrossLinked(scratch: Scratch): Promise<void> {
  if (scratch.backend !== 'mariadb') return;
  const db = await scratch.connect();
  try {
    const rows = await db.query<{ n: string }>('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ?', [scratch.prefix.length, scratch.prefix]);
    await db.execute('SET foreign_key_checks = 0');
    for (const { n } of rows) await db.execute(`DROP DATABASE ${db.quoteIdent(n)}`);
  } finally {
    await db.close();
  }
}

/** A pipeline with a large table (1 KB blobs) between small ones, made with plain SQL. */
export async function makeBlobPipeline(db: Database, schema: string, rows: number): Promise<void> {
  const q = (s: string) => db.quoteIdent(s);
  const t = (name: string) => `${q(schema)}.${q(name)}`;
  if (db.family === 'mysql') {
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.execute(`CREATE TABLE ${t('#kind')} (kind_id int NOT NULL, label varchar(20) NOT NULL, PRIMARY KEY (kind_id)) ENGINE=InnoDB`);
    await db.execute(`CREATE TABLE ${t('sample')} (sample_id int NOT NULL, kind_id int NOT NULL, payload longblob NOT NULL, PRIMARY KEY (sample_id),
      CONSTRAINT sample_ibfk_1 FOREIGN KEY (kind_id) REFERENCES ${t('#kind')} (kind_id) ON UPDATE CASCADE) ENGINE=InnoDB`);
    await db.execute(`CREATE TABLE ${t('sample__note')} (sample_id int NOT NULL, note varchar(40) NOT NULL, PRIMARY KEY (sample_id),
      CONSTRAINT note_ibfk_1 FOREIGN KEY (sample_id) REFERENCES ${t('sample')} (sample_id) ON UPDATE CASCADE) ENGINE=InnoDB`);
    await db.execute(`INSERT INTO ${t('#kind')} SELECT seq, CONCAT('kind ', seq) FROM ${q(schema)}.seq_1_to_5`);
    await db.execute(`INSERT INTO ${t('sample')} SELECT seq, 1 + seq % 5, UNHEX(REPEAT(MD5(seq), 64)) FROM ${q(schema)}.seq_1_to_${rows}`);
    await db.execute(`INSERT INTO ${t('sample__note')} SELECT seq, CONCAT('note ', seq) FROM ${q(schema)}.seq_1_to_${rows} WHERE seq % 100 = 0`);
  } else {
    await db.execute(`CREATE SCHEMA ${q(schema)}`);
    await db.execute(`CREATE TABLE ${t('#kind')} (kind_id integer NOT NULL PRIMARY KEY, label varchar(20) NOT NULL)`);
    await db.execute(`CREATE TABLE ${t('sample')} (sample_id integer NOT NULL PRIMARY KEY, kind_id integer NOT NULL REFERENCES ${t('#kind')} (kind_id) ON UPDATE CASCADE, payload bytea NOT NULL)`);
    await db.execute(`CREATE TABLE ${t('sample__note')} (sample_id integer NOT NULL PRIMARY KEY REFERENCES ${t('sample')} (sample_id) ON UPDATE CASCADE, note varchar(40) NOT NULL)`);
    await db.execute(`INSERT INTO ${t('#kind')} SELECT g, 'kind ' || g FROM generate_series(1, 5) g`);
    await db.execute(`INSERT INTO ${t('sample')} SELECT g, 1 + g % 5, decode(repeat(md5(g::text), 64), 'hex') FROM generate_series(1, ${rows}) g`);
    await db.execute(`INSERT INTO ${t('sample__note')} SELECT g, 'note ' || g FROM generate_series(1, ${rows}) g WHERE g % 100 = 0`);
  }
}
