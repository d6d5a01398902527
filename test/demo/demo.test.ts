/**
 * `npm run demo`: its steps as library calls in a scratch folder (seed → export → git fsck
 * --strict → import into a second PGlite → verify), a second run reporting "unchanged", and
 * the compiled demo script itself, twice, as a child process in a fresh working folder.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkCopy, DemoDirError, DemoVerificationError, demoPaths, importCopy, resetDemoDb, seedAndExport, type DemoPaths,
} from '../../scripts/demo.js';
import { demoDefinitions } from '../../src/demo/pipeline.js';
import type { ExportResult } from '../../src/export/export.js';
import type { ImportResult } from '../../src/import/import.js';
import { tableFilePath } from '../../src/snapshot/layout.js';
import { scratchDir } from '../support/backends.js';
import { fileHashes } from '../support/files.js';
import { buildProject, spawnBuilt } from './build.js';

const exec = promisify(execFile);
const git = (repo: string, ...args: string[]) => exec('git', ['-C', repo, ...args]);

describe('the demo steps', () => {
  let paths: DemoPaths;
  let first: Awaited<ReturnType<typeof seedAndExport>>;

  beforeAll(async () => {
    paths = demoPaths(await scratchDir('demo-steps-'));
    await resetDemoDb(paths.dbDir);
    first = await seedAndExport(paths);
  });

  it('exports the seeded pipeline into a new git repository that git fsck --strict accepts', async () => {
    expect(first.exported.unchanged).toBe(false);
    await expect(git(paths.snapshot, 'fsck', '--strict')).resolves.toBeDefined();
    const log = await git(paths.snapshot, 'log', '--format=%H');
    expect(log.stdout.trim().split('\n')).toEqual([first.exported.commit]);
    const files = (await git(paths.snapshot, 'ls-tree', '-r', '--name-only', 'HEAD')).stdout.trim().split('\n');
    const schema = first.seeded.schemas[0];
    for (const def of demoDefinitions(schema)) expect(files).toContain(tableFilePath(schema, def.name));
    expect(files).toContain('dj-snapshot.json');
    // Every seeded row and store file is in the snapshot.
    const seededRows = first.seeded.tables.reduce((n, t) => n + t.rows, 0);
    expect(first.exported.rows).toBe(seededRows);
    expect(first.exported.objects.count).toBe((await fileHashes(first.sourceStore)).size);
  });

  it('imports the snapshot into a second PGlite database and verifies it', async () => {
    const storeNames = Object.keys(first.seeded.stores).filter((k) => k !== 'default');
    const imported = await importCopy(paths, storeNames);
    expect(() => checkCopy(first.exported, imported)).not.toThrow();
    const rowsByTable = new Map(first.seeded.tables.map((t) => [`${t.schema}.${t.name}`, t.rows]));
    expect(new Map(imported.tables.map((t) => [`${t.schema}.${t.table}`, t.rows]))).toEqual(rowsByTable);
    expect(imported.tables.every((t) => t.status === 'ok')).toBe(true);
    expect(imported.target.pipelineHash).toBe(first.exported.pipelineHash);
    // The objects, byte for byte, in the copy's store.
    expect(await fileHashes(path.join(paths.dbDir, 'copy-store'))).toEqual(await fileHashes(first.sourceStore));
  });

  it('a second run re-seeds a fresh database and the export reports "unchanged"', async () => {
    await resetDemoDb(paths.dbDir);
    expect(await readdir(paths.dbDir)).toEqual(['.dj-snapshot-demo']);
    const again = await seedAndExport(paths);
    expect(again.exported.unchanged).toBe(true);
    expect(again.exported.commit).toBe(first.exported.commit);
    expect(again.exported.pipelineHash).toBe(first.exported.pipelineHash);
    expect((await git(paths.snapshot, 'rev-list', '--count', 'HEAD')).stdout.trim()).toBe('1');
  });

  it('never deletes a ./demo-db it did not make', async () => {
    const cwd = await scratchDir('demo-foreign-');
    const { dbDir } = demoPaths(cwd);
    await mkdir(dbDir);
    await writeFile(path.join(dbDir, 'precious.txt'), 'mine');
    await expect(resetDemoDb(dbDir)).rejects.toBeInstanceOf(DemoDirError);
    await expect(resetDemoDb(dbDir)).rejects.toThrow(/was not made by the demo/);
    expect(await readFile(path.join(dbDir, 'precious.txt'), 'utf8')).toBe('mine');
  });

  it('checkCopy fails on a table that does not match', () => {
    const exported = { pipelineHash: 'a'.repeat(64), objects: { count: 0 } } as ExportResult;
    const imported = {
      target: { pipelineHash: 'a'.repeat(64) }, objects: { count: 0 },
      tables: [{ schema: 's', table: 't', status: 'mismatch' }],
    } as unknown as ImportResult;
    expect(() => checkCopy(exported, imported)).toThrow(DemoVerificationError);
    expect(() => checkCopy(exported, { ...imported, tables: [], target: { pipelineHash: 'b'.repeat(64) } } as unknown as ImportResult)).toThrow(/pipeline hash/);
  });
});

describe('the demo script (child process)', () => {
  beforeAll(async () => {
    await buildProject();
  });

  it('runs end to end in a fresh folder, and again with "unchanged"', async () => {
    const cwd = await scratchDir('demo-run-');
    const run1 = await spawnBuilt(path.join('scripts', 'demo.js'), [], cwd);
    const exit1 = await run1.exit;
    expect({ exit: exit1, stderr: run1.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
    const out1 = run1.stdout();
    expect(out1).toMatch(/2\. exported {2}\.\/demo-snapshot: commit [0-9a-f]{12}/);
    expect(out1).toMatch(/verified: 8 tables with the same row counts and logical hashes, 12 objects/);
    expect(out1).toContain('dj-serve');
    expect(out1).toContain('git -C ./demo-snapshot log');
    const hash = /pipeline hash ([0-9a-f]{64})/.exec(out1)![1];
    expect(out1).toContain(`pipeline hash ${hash} (same as the snapshot)`);
    await expect(git(path.join(cwd, 'demo-snapshot'), 'fsck', '--strict')).resolves.toBeDefined();
    expect(existsSync(path.join(cwd, 'demo-db', 'copy'))).toBe(true);

    const run2 = await spawnBuilt(path.join('scripts', 'demo.js'), [], cwd);
    expect((await run2.exit).code).toBe(0);
    expect(run2.stdout()).toMatch(/2\. exported {2}\.\/demo-snapshot: unchanged, identical to commit [0-9a-f]{12} \(no new commit\)/);
    expect(run2.stdout()).toContain(`pipeline hash ${hash}`);
    expect((await git(path.join(cwd, 'demo-snapshot'), 'rev-list', '--count', 'HEAD')).stdout.trim()).toBe('1');
  });
});
