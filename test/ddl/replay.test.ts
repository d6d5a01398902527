/**
 * Same family on real servers: a pipeline declared in DataJoint's shapes is read, planned with
 * its schemas renamed, replayed into the same server, and read back. The catalog must be the
 * same in every detail (columns with comments, defaults, collations; keys; FK names and
 * actions; index names and definitions; enum types; AUTO_INCREMENT counter, sequences), with
 * the schema names changed only where they are identifiers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readPipeline } from '../../src/catalog/read.js';
import { planDdl } from '../../src/ddl/index.js';
import { forEachBackend, useScratch } from '../support/backends.js';
import { corpusPresent, restoreCorpus, type Corpus } from '../support/corpus.js';
import { mariadbFixture, postgresFixture } from './fixture-sql.js';
import { comparableCatalog, execAll, executePlan, findTable, manifestsOf } from './support.js';

forEachBackend((backend) => {
  const scratch = useScratch(backend);

  it('replays the two-schema fixture under new names with an identical catalog', async () => {
    const sc = scratch();
    const db = await sc.connect();
    try {
    const fx = backend.family === 'mysql' ? mariadbFixture(sc.prefix) : postgresFixture(sc.prefix);
    await execAll(db, fx.statements);
    const manifests = await manifestsOf(db, [fx.lab, fx.exp]);
    const newLab = `${sc.prefix}r_lab`;
    const newExp = `${sc.prefix}r_exp`;
    const rename = new Map([[fx.lab, newLab], [fx.exp, newExp]]);
    const plan = planDdl(manifests, { sourceFamily: backend.family, targetFamily: backend.family, rename });
    expect(plan.lossy).toEqual([]);
    expect(new Set(plan.schemas.map((s) => s.name))).toEqual(new Set([newLab, newExp]));
    // Every table is created after the tables it references, across schemas.
    const rank = new Map(plan.tables.map((t, i) => [`${t.sourceSchema}.${t.name}`, i]));
    for (const s of manifests) for (const t of s.tables) for (const fk of t.foreignKeys) {
      expect(rank.get(`${fk.refSchema}.${fk.refTable}`)!).toBeLessThan(rank.get(`${s.name}.${t.name}`)!);
    }
    expect(plan.tables.every((t) => t.schema === newLab || t.schema === newExp)).toBe(true);
    await executePlan(db, plan);

    const before = await readPipeline(db, { schemas: [fx.lab, fx.exp] });
    const after = await readPipeline(db, { schemas: [newLab, newExp] });
    const back = new Map([[newLab, fx.lab], [newExp, fx.exp]]);
    expect(comparableCatalog(after, back)).toEqual(comparableCatalog(before, new Map()));

    // Renaming stops at identifiers: comments and string defaults keep the old name.
    const subject = findTable(after, newLab, 'subject');
    expect(subject.columns.find((c) => c.name === 'note')!.comment).toContain(`in ${fx.lab}`);
    expect(subject.columns.find((c) => c.name === 'note')!.default).toContain(`${fx.lab}.subject`);
    expect(findTable(after, newLab, '#species').comment).toBe(`species kept in ${fx.lab}`);
    // Cross-schema references point into the renamed schema.
    const session = findTable(after, newExp, 'session');
    expect(session.foreignKeys.map((fk) => fk.refSchema)).toEqual([newLab, newLab, newLab, newLab]);
    if (backend.family === 'postgres') {
      // The enum type of the FK column inherited from the other schema is the renamed schema's.
      expect(session.columns.find((c) => c.name === 'rig')!.sqlType).toMatch(new RegExp(`^"?${newLab}"?\\.enum_`));
      expect(new Set(after.schemas.find((s) => s.name === newLab)!.enumTypes.map((e) => e.labels.join(',')))).toEqual(new Set(['A,B,C', 'F,M,U']));
      expect(findTable(after, newLab, 'log_entry').sequences?.find((x) => x.column === 'entry')?.lastValue).toBe('41');
    } else {
      expect(findTable(after, newLab, 'log_entry').autoIncrement).toBe('42');
    }
    } finally {
      await db.close();
    }
  });

  const corpus: Corpus | undefined = backend.family === 'mysql' ? 'mariadb-dj2' : 'postgres-dj2';
  it.skipIf(!corpusPresent(corpus))(`replays the ${corpus} reference corpus under new names with an identical catalog`, async () => {
    const sc = scratch();
    const work = await mkdtemp(path.join(os.tmpdir(), 'dj-ddl-corpus-'));
    try {
      const restored = await restoreCorpus(corpus, backend, sc, work);
      const db = await sc.connect();
      try {
      const manifests = await manifestsOf(db, restored.schemas);
      const rename = new Map(restored.schemas.map((s) => [s, `${sc.prefix}c_${s.slice(s.indexOf('_') + 1)}`]));
      const plan = planDdl(manifests, { sourceFamily: backend.family, targetFamily: backend.family, rename });
      await executePlan(db, plan);
      const before = await readPipeline(db, { schemas: restored.schemas });
      const after = await readPipeline(db, { schemas: [...rename.values()] });
      const back = new Map([...rename].map(([a, b]) => [b, a]));
      expect(comparableCatalog(after, back)).toEqual(comparableCatalog(before, new Map()));
      expect(after.schemas.reduce((n, s) => n + s.tables.length, 0)).toBeGreaterThan(50);
      } finally {
        await db.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
