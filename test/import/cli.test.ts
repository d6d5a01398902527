/**
 * The dj-import command line as users run it (built, spawned with node): exit codes of the
 * documented scheme, --json output, the result table, and the refusals without a terminal.
 * Runs against PGlite (no server needed); the backends themselves are covered elsewhere.
 */
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT } from '../../src/errors/base.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { spawnImport } from './cli-build.js';
import { emptyStoresLike, exportScratch, plainCopy, removeAll, tempDir, writeStores } from './helpers.js';
import { seedFixture, type Fixture } from './pipeline.js';

forEachBackend((backend) => {
  let work: string;
  let source: Scratch;
  let fixture: Fixture;
  const repo = () => path.join(work, 'snapshot');
  let stores: string;

  beforeAll(async () => {
    work = await tempDir('cli');
    source = await backend.createScratch();
    const db = await source.connect();
    fixture = await seedFixture(db, source.prefix, path.join(work, 'source-store'), 4);
    await db.close();
    await exportScratch(source, fixture.schemas, repo(), fixture.stores);
    stores = await writeStores(work, emptyStoresLike(fixture.stores, path.join(work, 'target-store')));
  });
  afterAll(async () => {
    await source?.cleanup();
    await removeAll(work);
  });

  it('bad usage exits 2 and says what is expected', async () => {
    const none = await spawnImport([], undefined);
    expect((await none.exit).code).toBe(EXIT.usage);
    expect(none.stderr()).toMatch(/SNAPSHOT/);

    const url = await spawnImport([repo(), '--db', 'oracle://x'], undefined);
    expect((await url.exit).code).toBe(EXIT.usage);
    expect(url.stderr()).toMatch(/Unknown database URL scheme "oracle:"/);

    const missing = await spawnImport([path.join(work, 'nope'), '--db', 'pglite:memory'], undefined);
    expect((await missing.exit).code).toBe(EXIT.usage);
    expect(missing.stderr()).toMatch(/does not exist/);

    const both = await spawnImport([repo(), '--db', 'pglite:memory', '--resume', '--replace'], undefined);
    expect((await both.exit).code).toBe(EXIT.usage);
  });

  it('an unreachable server exits 3', async () => {
    const run = await spawnImport([repo(), '--db', 'postgres://postgres@127.0.0.1:1/x'], 'irrelevant');
    expect((await run.exit).code).toBe(EXIT.connection);
    expect(run.stderr()).toMatch(/Cannot reach the database server at 127\.0\.0\.1:1/);
  });

  it('a tampered snapshot exits 1 and names the file', async () => {
    const dir = await plainCopy(repo(), path.join(work, 'tampered'));
    const file = path.join(dir, 'dj-snapshot.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/"hash": "[0-9a-f]{64}"\n}/, `"hash": "${'0'.repeat(64)}"\n}`));
    const run = await spawnImport([dir, '--db', `pglite:${path.join(work, 'db-tampered')}`, '--stores', stores, '--json'], undefined);
    expect((await run.exit).code).toBe(EXIT.failed);
    const out = JSON.parse(run.stdout()) as { ok: boolean; error: { code: string; message: string } };
    expect(out.ok).toBe(false);
    expect(out.error.code).toBe('snapshot_invalid');
    expect(out.error.message).toMatch(/dj-snapshot\.json: pipeline hash recomputed from the content is [0-9a-f]{64}, the manifest says 0{64}/);
  });

  it('imports, prints the table, and --replace needs --yes without a terminal', async () => {
    const db = `pglite:${path.join(work, 'db')}`;
    const run = await spawnImport([repo(), '--db', db, '--stores', stores], undefined);
    expect((await run.exit).code, run.stderr()).toBe(0);
    for (const s of fixture.schemas) expect(run.stdout()).toMatch(new RegExp(`${s}\\.~lineage\\s+\\d+\\s+ok\\s+loaded`));
    expect(run.stdout()).toMatch(/hash\s+[0-9a-f]{64} \(= snapshot\)/);

    const again = await spawnImport([repo(), '--db', db, '--stores', stores], undefined);
    expect((await again.exit).code).toBe(EXIT.target);
    expect(again.stderr()).toMatch(/already has schemas .*--replace/s);

    const noTty = await spawnImport([repo(), '--db', db, '--stores', stores, '--replace'], undefined);
    expect((await noTty.exit).code).toBe(EXIT.usage);
    expect(noTty.stderr()).toMatch(/no terminal to confirm it\. Pass --yes/);

    const replaced = await spawnImport([repo(), '--db', db, '--stores', stores, '--replace', '--yes', '--json'], undefined);
    expect((await replaced.exit).code, replaced.stderr()).toBe(0);
    const result = JSON.parse(replaced.stdout()) as { ok: boolean; replaced: string[]; tables: { status: string }[]; objects: { written: number } };
    expect(result.ok).toBe(true);
    expect(result.replaced.sort()).toEqual([...fixture.schemas].sort());
    expect(result.tables.every((t) => t.status === 'ok')).toBe(true);
    expect(result.objects.written).toBe(0);
  });
}, ['pglite']);
