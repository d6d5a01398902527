/**
 * An import stopped at any point is finished by the same command with --resume, on every
 * backend: the CLI is SIGKILLed in the middle of a large table; a second run without --resume
 * is refused and says what to do; --resume keeps the complete tables (checked by row count and
 * hash), empties a partly filled one, re-creates a table whose DDL was cut off, and the result
 * exports to exactly the source's content. A lost connection (killed server-side) resumes too.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import { EXIT } from '../../src/errors/base.js';
import { PART_BYTES, type ExportResult } from '../../src/export/export.js';
import { importSnapshot } from '../../src/import/import.js';
import { MARKER_TABLE } from '../../src/import/target.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { spawnImport } from './cli-build.js';
import { exportScratch, makeBlobPipeline, removeAll, tableHashes, tempDir } from './helpers.js';

async function count(db: Database, schema: string, table: string): Promise<number> {
  const [{ n }] = await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${db.quoteIdent(schema)}.${db.quoteIdent(table)}`);
  return Number(n);
}

forEachBackend((backend) => {
  const rows = backend.name === 'pglite' ? 40_000 : 120_000;
  let work: string;
  let source: Scratch;
  let snapshot: ExportResult;
  let schema: string;
  const repo = () => path.join(work, 'snapshot');
  const scratches: Scratch[] = [];

  beforeAll(async () => {
    work = await tempDir(`resume-${backend.name}`);
    source = await backend.createScratch();
    schema = `${source.prefix}big`;
    const db = await source.connect();
    await makeBlobPipeline(db, schema, rows);
    await db.close();
    snapshot = await exportScratch(source, [schema], repo());
  });
  afterAll(async () => {
    for (const s of [source, ...scratches]) await s?.cleanup();
    await removeAll(work);
  });

  /** A target scratch and the CLI arguments that import the snapshot into it under its own name. */
  async function targetFor(label: string): Promise<{ scratch: Scratch; name: string; args: string[] }> {
    const scratch = await backend.createScratch();
    scratches.push(scratch);
    const name = `${scratch.prefix}${label}`;
    return { scratch, name, args: [repo(), '--db', scratch.url, '--rename', `${schema}=${name}`] };
  }

  async function expectSameContent(scratch: Scratch, name: string, label: string): Promise<void> {
    const again = await exportScratch(scratch, [name], path.join(work, `snapshot-${label}`));
    const expected = await tableHashes(repo());
    const actual = await tableHashes(path.join(work, `snapshot-${label}`));
    for (const table of ['#kind', 'sample', 'sample__note']) expect(actual.get(`${name}.${table}`)).toEqual(expected.get(`${schema}.${table}`));
    expect(again.rows).toBe(snapshot.rows);
  }

  it('exports the large table in parts under GitHub’s 100 MB file limit (default part limit)', async () => {
    const manifest = JSON.parse(await readFile(path.join(repo(), 'schemas', schema, 'schema.json'), 'utf8')) as SchemaManifest;
    const files = manifest.tables.find((t) => t.name === 'sample')!.files;
    // ~1.03 KB of values per row: one part per 64 MiB.
    expect(files).toHaveLength(Math.ceil((rows * 1032) / PART_BYTES));
    for (const f of files) expect((await stat(path.join(repo(), f.path))).size).toBeLessThan(100_000_000);
  });

  it('finishes an import SIGKILLed in the middle of a large table', async () => {
    const { scratch, name, args } = await targetFor('killed');
    const run = await spawnImport([...args, '--progress'], scratch.password);
    // Kill once the large table is well under way (its progress line shows rows loaded).
    const pattern = new RegExp(`${name}\\.sample\\s+\\[[#.]+\\] ([\\d,]+)/`);
    let killedAt = 0;
    for (let waited = 0; waited < 120_000 && run.child.exitCode === null; waited += 20) {
      const m = [...run.stderr().matchAll(new RegExp(pattern, 'g'))].pop();
      const loaded = m ? Number(m[1].replace(/,/g, '')) : 0;
      if (loaded >= rows * 0.2) {
        killedAt = loaded;
        run.child.kill('SIGKILL');
        break;
      }
      await sleep(20);
    }
    const exit = await run.exit;
    expect(exit.signal, `the import ended before it could be killed:\n${run.stderr()}\n${run.stdout()}`).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);

    const db = await scratch.connect();
    try {
      expect(await count(db, name, '#kind')).toBe(5);
      // The large table's transaction died with the process: nothing of it is visible.
      expect(await count(db, name, 'sample')).toBe(0);
      expect(await count(db, name, MARKER_TABLE)).toBeGreaterThan(0);
      // Simulate what a non-transactional engine or a crash elsewhere could leave: a partial table…
      await db.execute(`INSERT INTO ${db.quoteIdent(name)}.${db.quoteIdent('sample')} (sample_id, kind_id, payload) VALUES (1, 2, ${db.family === 'mysql' ? "X'00'" : "'\\x00'"})`);
    } finally {
      await db.close();
    }

    const refused = await spawnImport(args, scratch.password);
    expect((await refused.exit).code).toBe(EXIT.target);
    expect(refused.stderr()).toMatch(/unfinished dj-import.*--resume/s);

    const resumed = await spawnImport([...args, '--resume'], scratch.password);
    const done = await resumed.exit;
    expect(done.code, resumed.stderr()).toBe(0);
    expect(resumed.stdout()).toMatch(new RegExp(`${name}\\.sample\\s+${rows.toLocaleString('en-US')}\\s+ok\\s+reloaded`));
    expect(resumed.stdout()).toMatch(new RegExp(`${name}\\.#kind\\s+5\\s+ok\\s+kept`));

    const check = await scratch.connect();
    try {
      const tables = check.family === 'mysql'
        ? await check.query<{ n: string }>('SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [name])
        : await check.query<{ n: string }>('SELECT tablename AS n FROM pg_tables WHERE schemaname = $1', [name]);
      expect(tables.map((t) => t.n).sort()).toEqual(['#kind', 'sample', 'sample__note']);
    } finally {
      await check.close();
    }
    await expectSameContent(scratch, name, 'killed');

    // Running --resume on the finished import changes nothing and is not an error.
    const idle = await spawnImport([...args, '--resume'], scratch.password);
    expect((await idle.exit).code, idle.stderr()).toBe(0);
    expect(idle.stdout()).toMatch(/sample\s+[\d,]+\s+ok\s+kept/);
  });

  it('re-creates a table whose DDL was cut off, and loads the tables never started', async () => {
    const { scratch, name } = await targetFor('cut');
    const base = { snapshot: repo(), db: scratch.url, password: scratch.password, rename: [`${schema}=${name}`] };
    const stopped = await importSnapshot({
      ...base,
      onProgress: (e) => {
        if (e.type === 'table-start' && e.table === 'sample') throw new Error('stopped before the large table');
      },
    }).then(() => null, (e: unknown) => e as Error);
    expect(stopped?.message).toContain('stopped before the large table');
    const db = await scratch.connect();
    try {
      // As if the process had died between its CREATE TABLE statements: the child table is gone.
      if (db.family === 'mysql') await db.execute('SET foreign_key_checks = 0');
      await db.execute(`DROP TABLE ${db.quoteIdent(name)}.${db.quoteIdent('sample__note')}`);
      await db.execute(`DELETE FROM ${db.quoteIdent(name)}.${db.quoteIdent(MARKER_TABLE)} WHERE item = 'created:sample__note'`);
    } finally {
      await db.close();
    }
    const result = await importSnapshot({ ...base, resume: true });
    expect(result.resumed).toBe(true);
    expect(result.tables.map((t) => [t.table, t.action, t.status])).toEqual([
      ['#kind', 'kept', 'ok'], ['sample', 'loaded', 'ok'], ['sample__note', 'loaded', 'ok'],
    ]);
    await expectSameContent(scratch, name, 'cut');
  });

  describe.skipIf(backend.name === 'pglite')('a lost connection', () => {
    it('fails with a message to resume, and --resume finishes', async () => {
      const { scratch, name } = await targetFor('lost');
      const base = { snapshot: repo(), db: scratch.url, password: scratch.password, rename: [`${schema}=${name}`] };
      const admin = await scratch.connect();
      let killing: Promise<void> | null = null;
      let killed: number[] = [];
      const kill = async () => {
        if (admin.family === 'mysql') {
          const ids = await admin.query<{ id: number }>("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'LOAD DATA%'");
          killed = ids.map(({ id }) => Number(id));
          for (const id of killed) await admin.execute(`KILL CONNECTION ${id}`);
        } else {
          await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY%' AND pid <> pg_backend_pid()");
        }
      };
      const error = await importSnapshot({
        ...base,
        onProgress: (e) => {
          if (e.type === 'table-rows' && e.table === 'sample' && e.rows >= rows * 0.2) killing ??= kill();
        },
      }).then(() => null, (e: unknown) => e as Error & { exitCode?: number });
      await killing;
      const failedAt = performance.now();
      // A killed MariaDB connection's thread rolls the table's load back, holding its locks, which
      // the resumed load would wait on: resume once the server has ended it, as an operator would.
      for (const id of killed) {
        const gone = async () => (await admin.query('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [id])).length === 0;
        while (!(await gone())) {
          if (performance.now() - failedAt > 90_000) throw new Error(`the killed connection ${id} is still on the server after 90 s`);
          await sleep(200);
        }
      }
      const rolledBack = performance.now() - failedAt;
      if (rolledBack > 2000) console.log(`[resume test] the server took ${(rolledBack / 1000).toFixed(1)} s to end the killed connection`);
      await admin.close();
      expect(error?.exitCode).toBe(EXIT.connection);
      expect(error?.message).toMatch(/Lost the connection .* --resume/);
      const result = await importSnapshot({ ...base, resume: true });
      expect(result.tables.find((t) => t.table === 'sample')).toMatchObject({ action: 'loaded', status: 'ok', rows });
      await expectSameContent(scratch, name, 'lost');
    });
  });
});
