/**
 * export → import → export on every backend, with real DataJoint-made pipelines (the harness
 * corpora: MariaDB's for MariaDB, PostgreSQL's for PostgreSQL and PGlite, object stores
 * included): the second export must give the same logical hashes and, on the same backend,
 * the identical git tree. Then renaming: `--prefix` on every schema, the ~lineage rows and the
 * cross-schema foreign keys must follow.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import type { ExportResult } from '../../src/export/export.js';
import { importSnapshot } from '../../src/import/import.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { corpusFits, corpusPresent, restoreCorpus, type Corpus, type RestoredCorpus } from '../support/corpus.js';
import { emptyStoresLike, exportScratch, removeAll, renamedKeys, tableHashes, tempDir, writeStores } from './helpers.js';

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
