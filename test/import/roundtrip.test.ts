/**
 * export → import → export on every backend, with real DataJoint-made pipelines (the harness
 * corpora: MariaDB's for MariaDB, PostgreSQL's for PostgreSQL and PGlite, object stores
 * included): the second export must give the same logical hashes and, on the same backend,
 * the identical git tree. Then renaming: `--prefix` on every schema, the ~lineage rows and the
 * cross-schema foreign keys must follow.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../src/export/export.js';
import { importSnapshot } from '../../src/import/import.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { corpusFits, corpusPresent, restoreCorpus, type Corpus, type RestoredCorpus } from '../support/corpus.js';
import { dropCrossLinked, emptyStoresLike, exportScratch, removeAll, renamedKeys, tableHashes, tempDir, writeStores } from './helpers.js';
import { seedFixture, type Fixture } from './pipeline.js';

forEachBackend((backend) => {
  const corpus: Corpus = backend.family === 'mysql' ? 'mariadb-dj2' : 'postgres-dj2';
  const available = corpusPresent(corpus) && corpusFits(corpus, backend);
  let work: string;
  let source: Scratch;
  let target: Scratch | undefined;
  let restored: RestoredCorpus;
  let first: ExportResult;
  const repo1 = () => path.join(work, 'snapshot-1');

  beforeAll(async () => {
    if (!available) return;
    work = await tempDir(`roundtrip-${backend.name}`);
    source = await backend.createScratch();
    restored = await restoreCorpus(corpus, backend, source, work);
    first = await exportScratch(source, restored.schemas, repo1(), restored.stores);
  });
  afterAll(async () => {
    await source?.cleanup();
    await target?.cleanup();
    await removeAll(work);
  });

  describe.skipIf(!available)(`the ${corpus} corpus`, () => {
    it('imports into a fresh target and exports again to the identical tree', async () => {
      let into: Scratch;
      if (backend.name === 'mariadb') {
        // One server: the source schemas make way so the same names can be imported.
        const db = await source.connect();
        for (const s of restored.schemas) await db.execute(`DROP DATABASE ${db.quoteIdent(s)}`);
        await db.close();
        into = source;
      } else {
        target = await backend.createScratch();
        into = target;
      }
      const storeRoot = path.join(work, 'target-store');
      const stores = emptyStoresLike(restored.stores, storeRoot);
      const result = await importSnapshot({
        snapshot: repo1(), db: into.url, password: into.password, stores: await writeStores(work, stores),
      });
      expect(result.tables.every((t) => t.status === 'ok')).toBe(true);
      expect(result.target.pipelineHash).toBe(first.pipelineHash);
      expect(result.objects.written).toBe(first.objects.count);
      expect(result.rows).toBe(first.rows);

      const second = await exportScratch(into, restored.schemas, path.join(work, 'snapshot-2'), stores);
      expect(second.pipelineHash).toBe(first.pipelineHash);
      expect(second.tree).toBe(first.tree);
    });
  });
});

forEachBackend((backend) => {
  describe('renaming', () => {
    let work: string;
    let scratch: Scratch;
    let fixture: Fixture;
    let P: string;

    beforeAll(async () => {
      work = await tempDir(`rename-${backend.name}`);
      scratch = await backend.createScratch();
      P = scratch.prefix;
      const db = await scratch.connect();
      fixture = await seedFixture(db, P, path.join(work, 'source-store'));
      await db.close();
    });
    afterAll(async () => {
      if (scratch) await dropCrossLinked(scratch);
      await scratch?.cleanup();
      await removeAll(work);
    });

    it('renames schemas, ~lineage rows and cross-schema foreign keys, and renames back to the same content', async () => {
      const original = await exportScratch(scratch, fixture.schemas, path.join(work, 'snapshot-original'), fixture.stores);
      const lab2 = `${P}newlab`;
      const acq2 = `${P}req`;
      const stores = await writeStores(work, emptyStoresLike(fixture.stores, path.join(work, 'store-renamed')));
      const result = await importSnapshot({
        snapshot: path.join(work, 'snapshot-original'), db: scratch.url, password: scratch.password, stores,
        rename: [`${P}lab=${lab2}`], prefix: [`${P}ac=${P}re`],
      });
      expect(result.schemas.map((s) => [s.source, s.name])).toEqual([[`${P}lab`, lab2], [`${P}acq`, acq2]]);
      expect(result.tables.every((t) => t.status === 'ok')).toBe(true);

      const db = await scratch.connect();
      try {
        const q = (s: string) => db.quoteIdent(s);
        const lineage = (await db.query<{ v: string }>(`SELECT ${q('lineage')} AS v FROM ${q(acq2)}.${q('~lineage')} ORDER BY 1`)).map((r) => r.v);
        expect(lineage.length).toBeGreaterThan(0);
        expect(lineage.filter((v) => v.startsWith(`${P}lab.`) || v.startsWith(`${P}acq.`))).toEqual([]);
        expect(lineage).toContain(`${lab2}.subject.subject_id`);
        expect(lineage).toContain(`${acq2}.session.session_idx`);
        const refs = db.family === 'mysql'
          ? await db.query<{ s: string }>('SELECT DISTINCT REFERENCED_TABLE_SCHEMA AS s FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL', [acq2, 'session'])
          : await db.query<{ s: string }>(`SELECT DISTINCT rn.nspname AS s FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_class rc ON rc.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE k.contype = 'f' AND n.nspname = $1 AND c.relname = $2`, [acq2, 'session']);
        expect(refs.map((r) => r.s)).toEqual([lab2]);
      } finally {
        await db.close();
      }

      const renamed = await exportScratch(scratch, [lab2, acq2], path.join(work, 'snapshot-renamed'), emptyStoresLike(fixture.stores, path.join(work, 'store-renamed')));
      expect(renamed.pipelineHash).toBe(result.target.pipelineHash);
      const before = renamedKeys(await tableHashes(path.join(work, 'snapshot-original')), (s) => (s === `${P}lab` ? lab2 : acq2));
      const after = await tableHashes(path.join(work, 'snapshot-renamed'));
      for (const [key, value] of before) {
        if (key.endsWith('.~lineage')) expect(after.get(key)!.hash).not.toBe(value.hash);
        else expect(after.get(key)).toEqual(value);
      }

      // Back under the original names (the originals make way): the very same content again.
      const admin = await scratch.connect();
      for (const s of [...fixture.schemas].reverse()) await admin.execute(admin.family === 'mysql' ? `DROP DATABASE ${admin.quoteIdent(s)}` : `DROP SCHEMA ${admin.quoteIdent(s)} CASCADE`);
      await admin.close();
      const back = await importSnapshot({
        snapshot: path.join(work, 'snapshot-renamed'), db: scratch.url, password: scratch.password,
        stores: await writeStores(work, emptyStoresLike(fixture.stores, path.join(work, 'store-back'))),
        rename: [`${lab2}=${P}lab`, `${acq2}=${P}acq`],
      });
      expect(back.target.pipelineHash).toBe(original.pipelineHash);
      const again = await exportScratch(scratch, fixture.schemas, path.join(work, 'snapshot-again'), emptyStoresLike(fixture.stores, path.join(work, 'store-back')));
      expect(again.tree).toBe(original.tree);
    });
  });
});
