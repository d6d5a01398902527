/**
 * dj-export on a DataJoint-conventional pipeline the test builds itself (test/support/fixture.ts:
 * every tier, parts, renamed and nullable/unique FKs, every core type with edge values, hidden
 * columns, <blob>, <attach>, store codecs with files in a temp store, ~lineage, a jobs table and
 * a plain table), on every backend: files, types read back, manifests, objects, git validity,
 * and determinism (same content ⇒ same tree; other insertion order ⇒ same tree; MariaDB and
 * PostgreSQL ⇒ same logical hashes).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import { exportPipeline, type ExportResult } from '../../src/export/export.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { readParquet, readParquetSchema } from '../../src/parquet/reader.js';
import { objectPath } from '../../src/snapshot/layout.js';
import type { PipelineManifest, SchemaManifest } from '../../src/snapshot/manifest.js';
import { validateManifest } from '../../src/snapshot/validate.js';
import type { CValue } from '../../src/values/kinds.js';
import { canonicalDecimal } from '../../src/values/normalize.js';
import { parseDate, parseDatetime } from '../../src/values/temporal.js';
import { forEachBackend, testBackends, type Scratch, type TestBackend } from '../support/backends.js';
import { buildFixturePipeline, type FixtureDescription } from '../support/fixture.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function dropSchemas(db: Database, schemas: string[]): Promise<void> {
  for (const s of [...schemas].reverse()) {
    if (db.family === 'mysql') {
      await db.execute(`SET FOREIGN_KEY_CHECKS=0; DROP DATABASE IF EXISTS ${db.quoteIdent(s)}; SET FOREIGN_KEY_CHECKS=1`);
    } else {
      await db.execute(`DROP SCHEMA IF EXISTS ${db.quoteIdent(s)} CASCADE`);
    }
  }
}

interface Built {
  fixture: FixtureDescription;
  result: ExportResult;
  repo: string;
}

async function buildAndExport(scratch: Scratch, work: string, name: string, prefix: string, order: 'forward' | 'reverse', includeJobs = false): Promise<Built> {
  const storeRoot = path.join(work, `${name}-store`);
  const repo = path.join(work, `${name}-repo`);
  const db = await scratch.connect();
  try {
    const fixture = await buildFixturePipeline(db, { prefix, storeRoot, order });
    const result = await exportPipeline({
      db, schemas: fixture.schemaList, stores: parseStoreConfig(fixture.stores, '/'), repo, includeJobs,
    });
    return { fixture, result, repo };
  } finally {
    await db.close();
  }
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The fixture's logical values as the canonical values the Parquet files must hold. */
function expectedCanonical(kind: string, value: unknown, scale?: number): CValue {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'int64': case 'uint64': return BigInt(value as number | bigint);
    case 'float32': return Math.fround(value as number);
    case 'decimal': return canonicalDecimal(String(value), scale ?? 0);
    case 'uuid': return Buffer.from(String(value).replace(/-/g, ''), 'hex');
    case 'date': return parseDate(String(value));
    case 'datetime': return parseDatetime(String(value));
    case 'string': return String(value).replace(/ +$/, '');
    case 'bytes': return Buffer.from(value as Uint8Array);
    default: return value as CValue;
  }
}

forEachBackend((backend) => {
  describe('dj-export of a DataJoint-conventional pipeline', () => {
    let scratch: Scratch;
    let work: string;
    let first: Built;
    let prefix: string;

    beforeAll(async () => {
      scratch = await backend.createScratch();
      work = await mkdtemp(path.join(os.tmpdir(), 'dj-export-'));
      prefix = scratch.prefix;
      first = await buildAndExport(scratch, work, 'a', prefix, 'forward');
    });
    afterAll(async () => {
      await scratch?.cleanup();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('writes manifests that validate against formats/schemas', () => {
      const pipeline = readJson<PipelineManifest>(path.join(first.repo, 'dj-snapshot.json'));
      expect(validateManifest('pipeline', pipeline, 'dj-snapshot.json')).toEqual([]);
      expect(pipeline.family).toBe(backend.family);
      expect(pipeline.schemas.map((s) => s.name)).toEqual(first.fixture.schemaList);
      for (const s of pipeline.schemas) {
        expect(validateManifest('schema', readJson(path.join(first.repo, s.path)), s.path)).toEqual([]);
      }
      for (const line of readFileSync(path.join(first.repo, 'objects.jsonl'), 'utf8').trim().split('\n')) {
        expect(validateManifest('object', JSON.parse(line), 'objects.jsonl')).toEqual([]);
      }
    });

    it('exports every table with its rows, columns (hidden ones too), key and tier; skips the jobs table', () => {
      const manifests = new Map(first.fixture.schemaList.map((s) => [s, readJson<SchemaManifest>(path.join(first.repo, 'schemas', s, 'schema.json'))]));
      for (const t of first.fixture.tables) {
        const table = manifests.get(t.schema)!.tables.find((x) => x.name === t.name);
        if (t.kind === 'jobs') {
          expect(table, `${t.schema}.${t.name} must be skipped without --include-jobs`).toBeUndefined();
          expect(first.result.skipped.some((s) => s.name === t.name)).toBe(true);
          continue;
        }
        expect(table, `${t.schema}.${t.name}`).toBeDefined();
        expect(table!.rows, `${t.schema}.${t.name} rows`).toBe(t.rowCount);
        expect(new Set(table!.columns.map((c) => c.name))).toEqual(new Set([...t.columns, ...t.hiddenColumns]));
        expect(table!.primaryKey).toEqual(t.primaryKey);
        if (t.tier) expect(table!.tier, `${t.schema}.${t.name} tier`).toBe(t.tier.toLowerCase());
        if (t.kind === 'plain') {
          expect(table!.tier).toBe('plain');
          expect(first.result.warnings.some((w) => w.includes(t.name))).toBe(true);
        }
        if (t.kind === 'lineage') expect(table!.tier).toBe('lineage');
        const files = table!.files;
        expect(files.reduce((n, f) => n + f.rows, 0)).toBe(t.rowCount);
        for (const f of files) {
          const bytes = readFileSync(path.join(first.repo, f.path));
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
          expect(bytes.length).toBe(f.bytes);
        }
      }
    });

    it('resolves DataJoint types, also through foreign keys, and reads every core type back exactly', async () => {
      const lab = readJson<SchemaManifest>(path.join(first.repo, 'schemas', first.fixture.schemas.lab, 'schema.json'));
      const allTypes = lab.tables.find((t) => t.name === 'all_types')!;
      const byName = new Map(allTypes.columns.map((c) => [c.name, c]));
      for (const core of ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'bool', 'uuid', 'json', 'bytes', 'date']) {
        expect(byName.get(`v_${core}`)?.djType, core).toBe(core);
        expect(byName.get(`v_${core}`)?.kind, core).toBe(core === 'bytes' ? 'bytes' : core);
      }
      expect(byName.get('v_datetime6')?.djType).toBe('datetime(6)');
      expect(byName.get('v_decimal')?.kind).toBe('decimal');
      // Inherited attributes carry no marker (none at all on PostgreSQL): resolved through the FK.
      const inherited = first.fixture.schemaList
        .map((s) => readJson<SchemaManifest>(path.join(first.repo, 'schemas', s, 'schema.json')))
        .flatMap((m) => m.tables.filter((t) => t.tier !== 'lineage' && t.tier !== 'jobs').flatMap((t) => t.columns.filter((c) => c.djTypeSource === 'foreign-key')));
      expect(inherited.length).toBeGreaterThan(3);
      for (const c of inherited) expect(c.djType, c.name).not.toBeNull();

      const file = path.join(first.repo, allTypes.files[0].path);
      const shapes = await readParquetSchema(file);
      expect(shapes.map((s) => [s.name, s.kind])).toEqual(allTypes.columns.map((c) => [c.name, c.kind]));
      const rows: CValue[][] = [];
      for await (const batch of readParquet(file)) rows.push(...batch);
      const fixtureRows = first.fixture.tables.find((t) => t.schema === lab.name && t.name === 'all_types')!.rows;
      expect(rows.length).toBe(fixtureRows.length);
      const key = allTypes.columns.findIndex((c) => c.name === 'type_id');
      for (const expectedRow of fixtureRows) {
        const row = rows.find((r) => r[key] === expectedRow.type_id)!;
        expect(row, `type_id ${expectedRow.type_id}`).toBeDefined();
        allTypes.columns.forEach((c, i) => {
          if (c.hidden || !(c.name in expectedRow)) return;
          const actual = row[i];
          const expected = expectedCanonical(c.kind, expectedRow[c.name], c.scale);
          if (c.kind === 'json') {
            expect(JSON.parse(actual as string), c.name).toEqual(JSON.parse(JSON.stringify(expectedRow[c.name])));
          } else if (actual instanceof Uint8Array) {
            expect(Buffer.from(actual).equals(Buffer.from(expected as Uint8Array)), `${c.name} of ${expectedRow.type_id}`).toBe(true);
          } else {
            expect(actual, `${c.name} of ${expectedRow.type_id}`).toEqual(expected);
          }
        });
      }
    });

    it('copies every store object byte for byte into objects/<store>/<path>', () => {
      const listed = new Map(readFileSync(path.join(first.repo, 'objects.jsonl'), 'utf8').trim().split('\n')
        .map((l) => JSON.parse(l) as { store: string; path: string; sha256: string; size: number })
        .map((o) => [`${o.store}/${o.path}`, o]));
      expect(first.fixture.storeFiles.length).toBeGreaterThan(3);
      for (const f of first.fixture.storeFiles) {
        const entry = listed.get(`${f.store}/${f.path}`);
        expect(entry, `${f.store}/${f.path}`).toBeDefined();
        expect(entry!.sha256).toBe(f.sha256);
        const copy = readFileSync(path.join(first.repo, objectPath(f.store, f.path)));
        expect(createHash('sha256').update(copy).digest('hex')).toBe(f.sha256);
      }
      expect(first.result.objects.missing).toBe(0);
    });

    it('is a valid git repository: fsck --strict, clean status, clonable with identical files', async () => {
      git(first.repo, 'fsck', '--strict', '--full');
      expect(git(first.repo, 'status', '--porcelain')).toBe('');
      expect(git(first.repo, 'rev-parse', 'HEAD^{tree}').trim()).toBe(first.result.tree);
      const clone = path.join(work, 'clone');
      execFileSync('git', ['clone', '-q', first.repo, clone]);
      expect(git(clone, 'rev-parse', 'HEAD^{tree}').trim()).toBe(first.result.tree);
      const message = git(first.repo, 'log', '-1', '--format=%B');
      expect(message).toMatch(/^\[DATALAD RUNCMD\] /);
      expect(message).toContain('=== Do not change lines below ===');
      expect(message).not.toContain(scratch.password ?? 'no-password-here-anyway');
    });

    it('re-exporting unchanged content makes no commit and gives the same tree', async () => {
      const db = await scratch.connect();
      const again = await exportPipeline({
        db, schemas: first.fixture.schemaList, stores: parseStoreConfig(first.fixture.stores, '/'), repo: first.repo,
      }).finally(() => db.close());
      expect(again.unchanged).toBe(true);
      expect(again.tree).toBe(first.result.tree);
      expect(git(first.repo, 'rev-list', '--count', 'HEAD').trim()).toBe('1');
    });

    it('--include-jobs exports the jobs table too', async () => {
      const db = await scratch.connect();
      const repo = path.join(work, 'with-jobs');
      const withJobs = await exportPipeline({
        db, schemas: first.fixture.schemaList, stores: parseStoreConfig(first.fixture.stores, '/'), repo, includeJobs: true,
      }).finally(() => db.close());
      const jobs = first.fixture.tables.filter((t) => t.kind === 'jobs');
      expect(jobs.length).toBeGreaterThan(0);
      expect(withJobs.tables).toBe(first.result.tables + jobs.length);
      expect(readJson<PipelineManifest>(path.join(repo, 'dj-snapshot.json')).settings.includeJobs).toBe(true);
    });

    it('--open adds the open view beside the exact data and records the setting; the logical hash is unchanged', async () => {
      const db = await scratch.connect();
      const repo = path.join(work, 'with-open');
      const open = await exportPipeline({
        db, schemas: first.fixture.schemaList, stores: parseStoreConfig(first.fixture.stores, '/'), repo, open: true,
      }).finally(() => db.close());
      expect(open.openFiles).toBeGreaterThan(5);
      expect(open.pipelineHash).toBe(first.result.pipelineHash);
      expect(readJson<PipelineManifest>(path.join(repo, 'dj-snapshot.json')).settings.open).toBe(true);
      const files = git(repo, 'ls-files', 'open').trim().split('\n');
      expect(files.some((f) => f.endsWith('.npy'))).toBe(true);
      expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
      git(repo, 'fsck', '--strict');
    });

    it('the same content inserted in another order gives the identical tree and hashes', async () => {
      const db = await scratch.connect();
      await dropSchemas(db, first.fixture.schemaList).finally(() => db.close());
      const reverse = await buildAndExport(scratch, work, 'b', prefix, 'reverse');
      expect(reverse.result.pipelineHash).toBe(first.result.pipelineHash);
      expect(reverse.result.schemas).toEqual(first.result.schemas);
      expect(reverse.result.tree).toBe(first.result.tree);
    });
  });
});

describe('the same pipeline on MariaDB and PostgreSQL has the same logical hashes', () => {
  const backends = testBackends().filter((b) => b.name === 'mariadb' || b.name === 'postgres');
  const unavailable = backends.filter((b) => b.skipReason !== undefined);
  if (unavailable.length && process.env.DJ_TEST_REQUIRE_SERVERS !== '1') {
    it.skip(`needs both servers (${unavailable.map((b) => b.label).join(', ')} unavailable)`, () => {});
    return;
  }
  const scratches: Scratch[] = [];
  let work: string;
  const built = new Map<string, Built>();

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'dj-export-x-'));
    const prefix = `x${Date.now().toString(36)}_`;
    for (const b of backends as TestBackend[]) {
      const scratch = await b.createScratch();
      scratches.push(scratch);
      built.set(b.name, await buildAndExport(scratch, work, b.name, prefix, 'forward'));
    }
  });
  afterAll(async () => {
    for (const s of scratches) await s.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('equal table, schema and pipeline hashes', () => {
    const maria = built.get('mariadb')!;
    const pg = built.get('postgres')!;
    for (const schema of maria.fixture.schemaList) {
      const a = readJson<SchemaManifest>(path.join(maria.repo, 'schemas', schema, 'schema.json'));
      const b = readJson<SchemaManifest>(path.join(pg.repo, 'schemas', schema, 'schema.json'));
      const hashes = (m: SchemaManifest) => Object.fromEntries(m.tables.map((t) => [t.name, t.hash]));
      expect(hashes(b), schema).toEqual(hashes(a));
      expect(b.hash).toBe(a.hash);
    }
    expect(pg.result.pipelineHash).toBe(maria.result.pipelineHash);
  });
});
