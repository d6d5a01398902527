/**
 * The logical hash is backend-independent, so a pipeline carried MariaDB → PostgreSQL →
 * MariaDB (and into PGlite), or PostgreSQL → MariaDB → PostgreSQL, must export with the same
 * table, schema and pipeline hashes at every stop. Real DataJoint-made corpora as sources.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../src/export/export.js';
import { LossyImportError } from '../../src/import/errors.js';
import { importSnapshot, type ImportResult } from '../../src/import/import.js';
import { testBackends, type Scratch, type TestBackend } from '../support/backends.js';
import { corpusPresent, restoreCorpus, type Corpus } from '../support/corpus.js';
import { dropCrossLinked, emptyStoresLike, exportScratch, removeAll, schemaNames, tableHashes, tempDir, writeStores } from './helpers.js';
import { seedFixture } from './pipeline.js';

const backends = new Map(testBackends().map((b) => [b.name, b]));
const maria = backends.get('mariadb')!;
const postgres = backends.get('postgres')!;
const pglite = backends.get('pglite')!;
const allUp = [maria, postgres, pglite].every((b) => b.skipReason === undefined);

/** Import a snapshot into `into`, then export it again; both results. */
async function carry(snapshot: string, into: Scratch, schemas: string[], storesLike: Record<string, unknown>, work: string, label: string, lossy = false): Promise<{ imported: ImportResult; exported: ExportResult; repo: string }> {
  const stores = emptyStoresLike(storesLike, path.join(work, `store-${label}`));
  const imported = await importSnapshot({ snapshot, db: into.url, password: into.password, stores: await writeStores(work, stores), lossy });
  const repo = path.join(work, `snapshot-${label}`);
  const exported = await exportScratch(into, schemas, repo, stores);
  return { imported, exported, repo };
}

/** The table hashes of `actual` that must equal `expected`: all but the tables named lossy. */
function expectSameExcept(actual: Map<string, { rows: number; hash: string }>, expected: Map<string, { rows: number; hash: string }>, lossy: string[]): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, value] of expected) {
    expect(actual.get(key)!.rows, key).toBe(value.rows);
    if (!lossy.includes(key)) expect(actual.get(key)!.hash, key).toBe(value.hash);
  }
}

interface Source {
  schemas: string[];
  stores: Record<string, unknown>;
}

function chain(label: string, origin: TestBackend, other: TestBackend, make: (scratch: Scratch, work: string) => Promise<Source>, lossless: boolean) {
  describe.skipIf(!allUp)(`${label}: ${origin.label} → ${other.label} → ${origin.label}, and into PGlite`, () => {
    let work: string;
    const scratches: Scratch[] = [];
    let source: Source;
    let first: ExportResult;
    const repo1 = () => path.join(work, 'snapshot-origin');

    beforeAll(async () => {
      work = await tempDir(`cross-${origin.name}`);
      const scratch = await origin.createScratch();
      scratches.push(scratch);
      source = await make(scratch, work);
      first = await exportScratch(scratch, source.schemas, repo1(), source.stores);
      // The origin server takes the pipeline back under the same names.
      const db = await scratch.connect();
      if (db.family === 'mysql') await db.execute('SET foreign_key_checks = 0');
      for (const s of source.schemas) await db.execute(db.family === 'mysql' ? `DROP DATABASE ${db.quoteIdent(s)}` : `DROP SCHEMA ${db.quoteIdent(s)} CASCADE`);
      await db.close();
    });
    afterAll(async () => {
      for (const s of scratches) {
        await dropCrossLinked(s).catch(() => undefined);
        await s.cleanup().catch(() => undefined);
      }
      await removeAll(work);
    });

    it('keeps every logical hash across backends and back', async () => {
      const expected = await tableHashes(repo1());
      const away = await other.createScratch();
      scratches.push(away);

      if (!lossless) {
        // Lossy columns are reported before anything is created.
        const refused = await importSnapshot({ snapshot: repo1(), db: away.url, password: away.password, stores: await writeStores(work, emptyStoresLike(source.stores, path.join(work, 'unused'))) })
          .then(() => null, (e: unknown) => e);
        expect(refused).toBeInstanceOf(LossyImportError);
        const db = await away.connect();
        const present = await schemaNames(db);
        await db.close();
        expect(source.schemas.filter((s) => present.has(s))).toEqual([]);
      }

      const there = await carry(repo1(), away, source.schemas, source.stores, work, 'away', !lossless);
      const lossyThere = there.imported.lossyTables;
      if (lossless) expect(there.imported.lossy).toEqual([]);
      else expect(lossyThere.length).toBeGreaterThan(0);
      expect(there.imported.tables.filter((t) => t.status === 'mismatch')).toEqual([]);
      expectSameExcept(await tableHashes(there.repo), expected, lossyThere);
      if (lossless) expect(there.exported.pipelineHash).toBe(first.pipelineHash);

      const back = await carry(there.repo, scratches[0], source.schemas, source.stores, work, 'back', !lossless);
      expectSameExcept(await tableHashes(back.repo), expected, [...lossyThere, ...back.imported.lossyTables]);
      if (lossless) expect(back.exported.pipelineHash).toBe(first.pipelineHash);

      const embedded = await pglite.createScratch();
      scratches.push(embedded);
      const inPglite = await carry(repo1(), embedded, source.schemas, source.stores, work, 'pglite', !lossless);
      expectSameExcept(await tableHashes(inPglite.repo), expected, inPglite.imported.lossyTables);
      if (lossless) expect(inPglite.exported.pipelineHash).toBe(first.pipelineHash);
    });
  });
}

const fixture = async (scratch: Scratch, work: string): Promise<Source> => {
  const db = await scratch.connect();
  try {
    const f = await seedFixture(db, scratch.prefix, path.join(work, 'source-store'));
    return { schemas: f.schemas, stores: f.stores };
  } finally {
    await db.close();
  }
};

const corpus = (name: Corpus) => async (scratch: Scratch, work: string): Promise<Source> => {
  const restored = await restoreCorpus(name, name === 'mariadb-dj2' ? maria : postgres, scratch, work);
  return { schemas: restored.schemas, stores: restored.stores };
};

chain('DataJoint-declared core types and codecs', maria, postgres, fixture, true);
chain('DataJoint-declared core types and codecs', postgres, maria, fixture, true);
if (corpusPresent('mariadb-dj2')) chain('the mariadb-dj2 corpus (native MySQL types: lossy)', maria, postgres, corpus('mariadb-dj2'), false);
if (corpusPresent('postgres-dj2')) chain('the postgres-dj2 corpus (jsonb, µs defaults: lossy)', postgres, maria, corpus('postgres-dj2'), false);
