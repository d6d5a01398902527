/**
 * Bad input to dj-export: each gets a clear, typed error, and nothing is written — no
 * repository, no commit, no files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import { DjSnapshotError, EXIT } from '../../src/errors/base.js';
import { exportPipeline, MissingObjectsError } from '../../src/export/export.js';
import { base32 } from '../../src/objects/references.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { forEachBackend, type Scratch } from '../support/backends.js';

async function expectExportError(promise: Promise<unknown>, code: string, exitCode: number): Promise<DjSnapshotError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err, 'the export should have failed').toBeInstanceOf(DjSnapshotError);
  const e = err as DjSnapshotError;
  expect(e.code).toBe(code);
  expect(e.exitCode).toBe(exitCode);
  return e;
}

/** A DataJoint 2.x table with a `<blob@main>` column, declared the backend's DataJoint way. */
async function declareItemTable(db: Database, schema: string): Promise<void> {
  const q = (s: string) => db.quoteIdent(s);
  const t = `${q(schema)}.${q('item')}`;
  if (db.family === 'mysql') {
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.execute(`CREATE TABLE ${t} (\`item_id\` int NOT NULL COMMENT ":int32:", \`data\` json DEFAULT NULL COMMENT ":<blob@main>:payload", PRIMARY KEY (\`item_id\`)) ENGINE=InnoDB`);
  } else {
    await db.execute(`CREATE SCHEMA ${q(schema)}`);
    await db.execute(`CREATE TABLE ${t} ("item_id" integer NOT NULL, "data" jsonb DEFAULT NULL, PRIMARY KEY ("item_id"))`);
    await db.execute(`COMMENT ON COLUMN ${t}."item_id" IS ':int32:'; COMMENT ON COLUMN ${t}."data" IS ':<blob@main>:payload'`);
  }
}

async function storeObject(storeRoot: string, schema: string, bytes: Buffer): Promise<string> {
  const hash = base32(createHash('md5').update(bytes).digest());
  const rel = `_hash/${schema}/${hash}`;
  await mkdir(path.join(storeRoot, '_hash', schema), { recursive: true });
  await writeFile(path.join(storeRoot, rel), bytes);
  return JSON.stringify({ hash, path: rel, schema, store: 'main', size: bytes.length });
}

forEachBackend((backend) => {
  describe('dj-export refuses bad input and writes nothing', () => {
    let scratch: Scratch;
    let work: string;
    let schema: string;
    let storeRoot: string;
    let missingMeta: string;
    let corruptMeta: string;

    beforeAll(async () => {
      scratch = await backend.createScratch();
      work = await mkdtemp(path.join(os.tmpdir(), 'dj-export-errors-'));
      storeRoot = path.join(work, 'store');
      schema = `${scratch.prefix}lab`;
      const db = await scratch.connect();
      try {
        await declareItemTable(db, schema);
        const good = await storeObject(storeRoot, schema, Buffer.from('mYm\u0000good payload'));
        missingMeta = await storeObject(storeRoot, schema, Buffer.from('mYm\u0000will vanish'));
        await rm(path.join(storeRoot, JSON.parse(missingMeta).path as string));
        corruptMeta = await storeObject(storeRoot, schema, Buffer.from('mYm\u0000will be changed'));
        await writeFile(path.join(storeRoot, JSON.parse(corruptMeta).path as string), 'changed on disk');
        const rows = [[1, good], [2, missingMeta], [3, corruptMeta]];
        for (const [id, meta] of rows) {
          await db.query(
            db.family === 'mysql' ? `INSERT INTO ${db.quoteIdent(schema)}.item VALUES (?, ?)` : `INSERT INTO ${db.quoteIdent(schema)}.item VALUES ($1, $2)`,
            [id, meta]);
        }
      } finally {
        await db.close();
      }
    });
    afterAll(async () => {
      await scratch?.cleanup();
      if (work) await rm(work, { recursive: true, force: true });
    });

    const stores = () => parseStoreConfig({ main: { protocol: 'file', location: storeRoot } }, '/');

    it('lists every missing and corrupt store object, and creates no repository', async () => {
      const repo = path.join(work, 'repo-missing');
      const db = await scratch.connect();
      const err = await expectExportError(
        exportPipeline({ db, schemas: [schema], stores: stores(), repo }).finally(() => db.close()),
        'objects_missing', EXIT.failed);
      expect(err).toBeInstanceOf(MissingObjectsError);
      const problems = err.data.problems as { path: string; problem: string }[];
      expect(problems.map((p) => p.path).sort()).toEqual([JSON.parse(missingMeta).path, JSON.parse(corruptMeta).path].sort());
      expect(problems.find((p) => p.path === JSON.parse(corruptMeta).path)?.problem).toMatch(/^corrupt/);
      expect(problems.find((p) => p.path === JSON.parse(missingMeta).path)?.problem).toMatch(/^missing/);
      expect(err.message).toContain('--allow-missing-objects');
      expect(existsSync(repo)).toBe(false);
    });

    it('--allow-missing-objects records them in the manifest instead', async () => {
      const repo = path.join(work, 'repo-allow');
      const db = await scratch.connect();
      const result = await exportPipeline({ db, schemas: [schema], stores: stores(), repo, allowMissingObjects: true }).finally(() => db.close());
      expect(result.objects).toMatchObject({ count: 1, missing: 2 });
      const lines = readFileSync(path.join(repo, 'objects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.missing).length).toBe(2);
      const manifest = JSON.parse(readFileSync(path.join(repo, 'dj-snapshot.json'), 'utf8'));
      expect(manifest.settings.allowMissingObjects).toBe(true);
      expect(manifest.objects.missing).toBe(2);
    });

    it('a schema pattern that matches nothing names the pattern and what exists', async () => {
      const repo = path.join(work, 'repo-noschema');
      const db = await scratch.connect();
      const err = await expectExportError(
        exportPipeline({ db, schemas: [`${scratch.prefix}nothing_*`], stores: stores(), repo }).finally(() => db.close()),
        'no_matching_schema', EXIT.failed);
      expect(err.message).toContain(`${scratch.prefix}nothing_*`);
      expect(err.message).toContain(schema);
      expect(existsSync(repo)).toBe(false);
    });

    it('a non-empty folder that is not a git repository is refused and left alone', async () => {
      const repo = path.join(work, 'not-a-repo');
      await mkdir(repo, { recursive: true });
      await writeFile(path.join(repo, 'notes.txt'), 'mine');
      const err = await exportPipeline({ db: scratch.url, schemas: [schema], stores: stores(), repo }).then(() => null, (e) => e);
      expect(err).toBeInstanceOf(DjSnapshotError);
      expect((err as DjSnapshotError).exitCode).toBe(EXIT.target);
      expect(await readdir(repo)).toEqual(['notes.txt']);
    });

    it('a value the format cannot hold, in a table read while the one before it is still being written: error, and the repository as it was', async () => {
      // `late` has 3 tables: two good ones, then one with a date the format cannot hold (year 0
      // on MariaDB, BC on PostgreSQL). Tables are read one after another while the encoding
      // worker still writes the previous file, so the failure meets an unfinished file.
      const late = `${scratch.prefix}late`;
      const repo = path.join(work, 'repo-late-failure');
      const db = await scratch.connect();
      try {
        const q = (s: string) => db.quoteIdent(s);
        const mysql = db.family === 'mysql';
        await db.execute(mysql ? `CREATE DATABASE ${q(late)}` : `CREATE SCHEMA ${q(late)}`);
        for (const t of ['a_first', 'b_second', 'c_bad']) {
          await db.execute(`CREATE TABLE ${q(late)}.${q(t)} (${q('id')} int NOT NULL, ${q('day')} date NOT NULL, PRIMARY KEY (${q('id')}))`);
        }
        const days = Array.from({ length: 2000 }, (_, i) => `(${i}, '2024-01-01')`).join(', ');
        await db.execute(`INSERT INTO ${q(late)}.${q('a_first')} VALUES ${days}`);
        await db.execute(`INSERT INTO ${q(late)}.${q('b_second')} VALUES ${days}`);
        if (mysql) await db.execute(`SET SESSION sql_mode = ''`);
        await db.execute(`INSERT INTO ${q(late)}.${q('c_bad')} VALUES (1, ${mysql ? `'0000-00-00'` : `'0044-03-15 BC'`})`);

        const first = await exportPipeline({ db, schemas: [schema], stores: stores(), repo, allowMissingObjects: true });
        const err = await expectExportError(
          exportPipeline({ db, schemas: [schema, late], stores: stores(), repo, allowMissingObjects: true }),
          'unrepresentable_value', EXIT.failed);
        expect(err.message).toContain(`${late}.c_bad.day`);
        expect(readFileSync(path.join(repo, '.git', 'refs', 'heads', 'main'), 'utf8').trim()).toBe(first.commit);
        expect(await readdir(path.join(repo, '.git', 'dj-snapshot', 'staging'))).toEqual([]);
        expect(existsSync(path.join(repo, 'schemas', late))).toBe(false);
        // Not locked, nothing left over: the same export as before finds nothing to commit.
        expect((await exportPipeline({ db, schemas: [schema], stores: stores(), repo, allowMissingObjects: true })).unchanged).toBe(true);
      } finally {
        await db.close();
      }
    });

    it('an unknown stores protocol is a usage error naming the store', async () => {
      const err = (() => {
        try {
          parseStoreConfig({ raw: { protocol: 's3', endpoint: 'x', bucket: 'b', secret_key: 'SECRET-VALUE' } }, '/');
          return null;
        } catch (e) {
          return e as DjSnapshotError;
        }
      })();
      expect(err?.exitCode).toBe(EXIT.usage);
      expect(err?.message).toContain('"raw"');
      expect(err?.message).not.toContain('SECRET-VALUE');
    });

    if (backend.server) {
      it('wrong credentials: a connection error that names the user, never the password, and no repository', async () => {
        const repo = path.join(work, 'repo-badpass');
        const saved = process.env.DJ_PASS;
        process.env.DJ_PASS = 'definitely-wrong-password-123';
        try {
          const err = await expectExportError(exportPipeline({ db: scratch.url, schemas: [schema], repo }), 'connection', EXIT.connection);
          expect(err.message).not.toContain('definitely-wrong-password-123');
          expect(JSON.stringify(err.toJSON())).not.toContain('definitely-wrong-password-123');
          expect(err.message).toContain(backend.server!.user);
        } finally {
          if (saved === undefined) delete process.env.DJ_PASS;
          else process.env.DJ_PASS = saved;
        }
        expect(existsSync(repo)).toBe(false);
      });

      it('an unreachable server: a connection error naming host and port, and no repository', async () => {
        const repo = path.join(work, 'repo-unreachable');
        const scheme = backend.family === 'mysql' ? 'mysql' : 'postgres';
        process.env.DJ_PASS = 'x';
        try {
          const err = await expectExportError(exportPipeline({ db: `${scheme}://someone@127.0.0.1:1`, repo }), 'connection', EXIT.connection);
          expect(err.message).toContain('127.0.0.1:1');
        } finally {
          delete process.env.DJ_PASS;
        }
        expect(existsSync(repo)).toBe(false);
      });
    }
  });
});
