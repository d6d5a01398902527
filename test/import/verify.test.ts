/**
 * Verify before touching the target: every tampered snapshot is refused with an error naming
 * the bad file, and afterwards the target has no new schema and the target stores no file.
 * Also: reading older refs from git, and the refusals that protect an existing target
 * (existing schemas, --replace without confirmation, unconfigured stores, conflicting objects).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import type { ExportResult } from '../../src/export/export.js';
import {
  ObjectConflictError, ReplaceNotConfirmedError, SchemaExistsError, SnapshotInvalidError, StoresNotConfiguredError,
  UnsupportedFormatError,
} from '../../src/import/errors.js';
import { importSnapshot } from '../../src/import/import.js';
import { openSnapshot } from '../../src/import/source.js';
import { verifySnapshot } from '../../src/import/verify-snapshot.js';
import { readParquet } from '../../src/parquet/reader.js';
import { writeParquet } from '../../src/parquet/writer.js';
import type { PipelineManifest, SchemaManifest } from '../../src/snapshot/manifest.js';
import type { CValue } from '../../src/values/kinds.js';
import { shapesOf } from '../../src/import/shapes.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import {
  dropCrossLinked, emptyStoresLike, exportScratch, plainCopy, removeAll, schemaNames, tableHashes, tempDir, writeStores,
} from './helpers.js';
import { seedFixture, type Fixture } from './pipeline.js';

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, JSON.stringify(value, null, 2) + '\n');
}

async function listFilesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(e.name);
  return out;
}

forEachBackend((backend) => {
  let work: string;
  let source: Scratch;
  let target: Scratch;
  let fixture: Fixture;
  let exported: ExportResult;
  const repo = () => path.join(work, 'snapshot');
  // One MariaDB server holds source and targets: targets get their own schema-name prefix.
  const renameFor = (into: Scratch) => (backend.name === 'mariadb' ? { prefix: [`${source.prefix}=${into.prefix}`] } : {});
  const namesIn = (into: Scratch) => fixture.schemas.map((s) => (backend.name === 'mariadb' ? into.prefix + s.slice(source.prefix.length) : s));

  beforeAll(async () => {
    work = await tempDir(`verify-${backend.name}`);
    source = await backend.createScratch();
    const db = await source.connect();
    fixture = await seedFixture(db, source.prefix, path.join(work, 'source-store'), 6);
    await db.close();
    exported = await exportScratch(source, fixture.schemas, repo(), fixture.stores);
    target = await backend.createScratch();
  });
  afterAll(async () => {
    for (const s of [source, target]) if (s) await dropCrossLinked(s).catch(() => undefined);
    await source?.cleanup();
    await target?.cleanup();
    await removeAll(work);
  });

  /** Import a tampered plain copy; the error, with the target and its stores proven untouched. */
  async function refused(label: string, tamper: (dir: string) => Promise<void>, stores = true): Promise<Error> {
    const dir = await plainCopy(repo(), path.join(work, `tampered-${label}`));
    await tamper(dir);
    const storeRoot = path.join(work, `store-${label}`);
    const error = await importSnapshot({
      snapshot: dir, db: target.url, password: target.password, ...renameFor(target),
      stores: stores ? await writeStores(work, emptyStoresLike(fixture.stores, storeRoot)) : undefined,
    }).then(() => null, (e: unknown) => e as Error);
    expect(error).not.toBeNull();
    const db = await target.connect();
    try {
      const present = await schemaNames(db);
      expect(namesIn(target).filter((s) => present.has(s))).toEqual([]);
    } finally {
      await db.close();
    }
    expect(await listFilesUnder(storeRoot)).toEqual([]);
    return error!;
  }

  const schemaJson = (dir: string, schema: string) => path.join(dir, 'schemas', schema, 'schema.json');

  /** Flips one byte in the middle of the second schema's `session` file; returns its path. */
  async function flipSessionByte(dir: string): Promise<string> {
    const manifest = await readJson<SchemaManifest>(schemaJson(dir, fixture.schemas[1]));
    const file = manifest.tables.find((t) => t.name === 'session')!.files[0].path;
    const bytes = await readFile(path.join(dir, file));
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await writeFile(path.join(dir, file), bytes);
    return file;
  }

  describe('tampered snapshots are refused before the target is touched', () => {
    it('a changed byte in a Parquet file', async () => {
      let file = '';
      const e = await refused('parquet-byte', async (dir) => {
        file = await flipSessionByte(dir);
      });
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e.message).toContain(`${file}: sha256`);
    });

    it('a changed table hash in a schema manifest', async () => {
      const e = await refused('manifest-hash', async (dir) => {
        const file = schemaJson(dir, fixture.schemas[0]);
        const manifest = await readJson<SchemaManifest>(file);
        const subject = manifest.tables.find((t) => t.name === 'subject')!;
        subject.hash = subject.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
        await writeJson(file, manifest);
      });
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e.message).toMatch(/subject: logical hash recomputed from the rows is [0-9a-f]{64}, the manifest says/);
    });

    it('bad tables in two schemas: both named, in manifest order (tables are checked side by side)', async () => {
      let file = '';
      const e = await refused('two-schemas', async (dir) => {
        file = await flipSessionByte(dir);
        const first = await readJson<SchemaManifest>(schemaJson(dir, fixture.schemas[0]));
        const subject = first.tables.find((t) => t.name === 'subject')!;
        subject.hash = subject.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
        await writeJson(schemaJson(dir, fixture.schemas[0]), first);
      });
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      const subjectAt = e.message.search(/subject: logical hash recomputed from the rows/);
      const sessionAt = e.message.indexOf(`${file}: sha256`);
      expect(subjectAt).toBeGreaterThanOrEqual(0);
      expect(sessionAt).toBeGreaterThan(subjectAt);
    });

    /** Edits one row of `subject` and updates the file's sha256 and size to match. */
    async function editNote(dir: string): Promise<void> {
      const file = schemaJson(dir, fixture.schemas[0]);
      const manifest = await readJson<SchemaManifest>(file);
      const subject = manifest.tables.find((t) => t.name === 'subject')!;
      const part = path.join(dir, subject.files[0].path);
      const rows: CValue[][] = [];
      for await (const batch of readParquet(part)) rows.push(...batch.map((r) => [...r]));
      const notes = subject.columns.findIndex((c) => c.name === 'notes');
      rows[0][notes] = 'a quietly edited note';
      await rm(part);
      const written = await writeParquet(part, shapesOf(subject.columns), (async function* () { yield rows; })());
      subject.files[0].sha256 = written.parts[0].sha256;
      subject.files[0].bytes = written.parts[0].bytes;
      await writeJson(file, manifest);
    }

    it('rows changed with the file hashes updated to match (only the logical hash can tell)', async () => {
      const e = await refused('parquet-rows', editNote);
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e.message).toContain('subject: logical hash recomputed from the rows');
    });

    it('the same, with every table digested in worker threads (as large tables are)', async () => {
      const pooled = { poolFromBytes: 0 };
      const intact = await verifySnapshot(await openSnapshot(await plainCopy(repo(), path.join(work, 'pooled-intact'))), work, undefined, pooled);
      expect(intact.tableFiles.size).toBe(intact.schemas.reduce((n, s) => n + s.tables.length, 0));
      const dir = await plainCopy(repo(), path.join(work, 'pooled-rows'));
      await editNote(dir);
      const e = await verifySnapshot(await openSnapshot(dir), work, undefined, pooled).then(() => null, (x: unknown) => x as Error);
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e?.message).toContain('subject: logical hash recomputed from the rows');
    });

    it('a missing object file', async () => {
      let missing = '';
      const e = await refused('missing-object', async (dir) => {
        const files = await readdir(path.join(dir, 'objects', 'main'), { recursive: true, withFileTypes: true });
        const first = files.find((f) => f.isFile())!;
        missing = path.relative(dir, path.join(first.parentPath, first.name)).split(path.sep).join('/');
        await rm(path.join(dir, missing));
      });
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e.message).toContain(`${missing}: missing`);
    });

    it('a format version this importer does not read', async () => {
      const e = await refused('format-version', async (dir) => {
        const file = path.join(dir, 'dj-snapshot.json');
        const manifest = await readJson<PipelineManifest>(file);
        manifest.formatVersion = 2;
        await writeJson(file, manifest);
      });
      expect(e).toBeInstanceOf(UnsupportedFormatError);
      expect(e.message).toMatch(/format version 2; this dj-import reads format version 1 only/);
    });

    it('a manifest that breaks its JSON Schema', async () => {
      const e = await refused('schema-invalid', async (dir) => {
        const file = schemaJson(dir, fixture.schemas[1]);
        const manifest = await readJson<Record<string, unknown>>(file);
        delete manifest.tables;
        await writeJson(file, manifest);
      });
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e.message).toContain(`schemas/${fixture.schemas[1]}/schema.json: / must have required property 'tables'`);
    });

    it('an object path that would leave the store root', async () => {
      const e = await refused('object-path', async (dir) => {
        const file = path.join(dir, 'objects.jsonl');
        const lines = (await readFile(file, 'utf8')).trim().split('\n');
        const first = JSON.parse(lines[0]) as { path: string };
        first.path = `../../outside/${first.path}`;
        lines[0] = JSON.stringify(first);
        await writeFile(file, lines.join('\n') + '\n');
      });
      expect(e).toBeInstanceOf(SnapshotInvalidError);
      expect(e.message).toMatch(/objects\.jsonl line 1: path "\.\.\/\.\.\/outside\/.*" leaves the store root/);
    });

    it('objects without their stores configured', async () => {
      const e = await refused('no-stores', async () => {}, false);
      expect(e).toBeInstanceOf(StoresNotConfiguredError);
      expect(e.message).toContain('"files", "main"');
    });
  });

  describe('reading git refs', () => {
    it('imports an older commit by tag and by HEAD~1 without a checkout', async () => {
      const db = await source.connect();
      const q = (s: string) => db.quoteIdent(s);
      await db.execute(`UPDATE ${q(fixture.schemas[0])}.${q('#species')} SET ${q('latin')} = 'changed'`);
      await db.close();
      const later = await exportScratch(source, fixture.schemas, repo(), fixture.stores);
      expect(later.commit).not.toBe(exported.commit);
      execFileSync('git', ['-C', repo(), 'tag', 'v1', exported.commit]);
      const expected = await tableHashes(path.join(work, 'snapshot'));

      for (const ref of ['v1', 'HEAD~1']) {
        const into = await backend.createScratch();
        try {
          const result = await importSnapshot({
            snapshot: repo(), ref, db: into.url, password: into.password, ...renameFor(into),
            stores: await writeStores(work, emptyStoresLike(fixture.stores, path.join(work, `store-${ref}`))),
          });
          expect(result.snapshot.commit).toBe(exported.commit);
          expect(result.snapshot.pipelineHash).toBe(exported.pipelineHash);
          expect(result.snapshot.pipelineHash).not.toBe(later.pipelineHash);
          expect(result.tables.every((t) => t.status === 'ok')).toBe(true);
        } finally {
          await dropCrossLinked(into);
          await into.cleanup();
        }
      }
      // The working tree (HEAD) was never checked out to the old commit.
      expect(await tableHashes(path.join(work, 'snapshot'))).toEqual(expected);
    });
  });

  describe('an existing target', () => {
    let storeRoot: string;
    let storesFile: string;

    beforeAll(async () => {
      storeRoot = path.join(work, 'store-existing');
      storesFile = await writeStores(work, emptyStoresLike(fixture.stores, storeRoot));
      await importSnapshot({ snapshot: repo(), ref: exported.commit, db: target.url, password: target.password, stores: storesFile, ...renameFor(target) });
    });

    it('refuses schemas that exist, and --replace without a confirmation', async () => {
      const base = { snapshot: repo(), ref: exported.commit, db: target.url, password: target.password, stores: storesFile, ...renameFor(target) };
      await expect(importSnapshot(base)).rejects.toBeInstanceOf(SchemaExistsError);
      await expect(importSnapshot(base)).rejects.toThrow(/--replace/);
      await expect(importSnapshot({ ...base, replace: true })).rejects.toBeInstanceOf(ReplaceNotConfirmedError);
      let asked = '';
      await expect(importSnapshot({ ...base, replace: true, confirm: async (q) => { asked = q; return false; } }))
        .rejects.toThrow(/not confirmed/);
      expect(asked).toContain(namesIn(target)[0]);
      const result = await importSnapshot({ ...base, replace: true, yes: true });
      expect(result.replaced.sort()).toEqual(namesIn(target).sort());
      expect(result.objects.written).toBe(0);
      expect(result.tables.every((t) => t.status === 'ok')).toBe(true);
    });

    it('refuses to overwrite a different file in a store, before touching the database', async () => {
      const other = await backend.createScratch();
      const conflictRoot = path.join(work, 'store-conflict');
      try {
        const lines = (await readFile(path.join(repo(), 'objects.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { store: string; path: string });
        const victim = lines.find((l) => l.store === 'main')!;
        const dest = path.join(conflictRoot, 'main', ...victim.path.split('/'));
        await mkdir(path.dirname(dest), { recursive: true });
        await writeFile(dest, 'not the object');
        const e = await importSnapshot({
          snapshot: repo(), ref: exported.commit, db: other.url, password: other.password, ...renameFor(other),
          stores: await writeStores(work, emptyStoresLike(fixture.stores, conflictRoot)),
        }).then(() => null, (err: unknown) => err as Error);
        expect(e).toBeInstanceOf(ObjectConflictError);
        expect(e!.message).toContain(`main:${victim.path}`);
        const db: Database = await other.connect();
        const present = await schemaNames(db);
        await db.close();
        expect(namesIn(other).filter((s) => present.has(s))).toEqual([]);
        expect(await readFile(dest, 'utf8')).toBe('not the object');
      } finally {
        await other.cleanup();
      }
    });
  });
});
