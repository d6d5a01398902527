/**
 * Across families on real servers. The two-schema fixture exists twice, hand-written in the
 * DDL DataJoint 2.3.2 emits on MariaDB and on PostgreSQL (fixture-sql.ts). Translating one
 * into the other family must give, table for table, the catalog of the other one declared
 * natively: same types, comments (markers inline on MySQL, COMMENT ON for attributes only on
 * PostgreSQL), defaults, keys, FK actions, index names. Only the table of native types that
 * DataJoint cannot declare identically differs, and exactly its columns are reported lossy.
 * The reference corpora are translated too: every DataJoint type and value kind survives.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPipeline } from '../../src/catalog/read.js';
import type { Pipeline } from '../../src/catalog/model.js';
import { planDdl, type LossyColumn } from '../../src/ddl/index.js';
import { testBackends, type Scratch, type TestBackend } from '../support/backends.js';
import { corpusPresent, restoreCorpus } from '../support/corpus.js';
import { enumName, mariadbFixture, postgresFixture } from './fixture-sql.js';
import { comparableCatalog, execAll, executePlan, findTable, manifestsOf, mapNames } from './support.js';

const backends = testBackends();
const pairs: [TestBackend, TestBackend][] = [];
for (const a of backends) for (const b of backends) if (a.family !== b.family) pairs.push([a, b]);

function lossyKeys(lossy: LossyColumn[]): string[] {
  return lossy.map((l) => `${l.table}.${l.constraint ?? l.index ?? l.column}`).sort();
}

/** Column (and table) comparison of two catalogs of the same pipeline on one backend. */
function asJson(p: Pipeline, map: Map<string, string>, skip: string[]): unknown {
  return JSON.parse(mapNames(JSON.stringify(comparableCatalog(p, new Map(), skip)), map));
}

/**
 * The scratch clean-up drops a MariaDB prefix's databases in no particular order, which fails
 * when one still references another; drop the referencing (`exp`) ones first.
 */
async function dropReferencingFirst(s: Scratch): Promise<void> {
  if (s.backend !== 'mariadb') return;
  const db = await s.connect();
  try {
    await db.execute(`DROP DATABASE IF EXISTS ${db.quoteIdent(`${s.prefix}exp`)}`);
  } finally {
    await db.close();
  }
}

for (const [source, target] of pairs) {
  const unavailable = source.skipReason ?? target.skipReason;
  describe.skipIf(unavailable !== undefined)(`${source.label} → ${target.label}${unavailable ? ` (SKIPPED: ${unavailable})` : ''}`, () => {
    it('declares the fixture as DataJoint declares it natively on the target', async () => {
      const scratches: Scratch[] = [];
      const open = async (b: TestBackend) => {
        const s = await b.createScratch();
        scratches.push(s);
        return s;
      };
      try {
        const src = await open(source);
        const dst = await open(target);
        const ref = await open(target);
        // MariaDB scratch spaces are name prefixes: use the target's so one name set fits all.
        const prefix = target.family === 'mysql' ? dst.prefix : src.prefix;
        const fixtureFor = (b: TestBackend, p: string) => (b.family === 'mysql' ? mariadbFixture(p) : postgresFixture(p));
        const fx = fixtureFor(source, prefix);
        const srcDb = await src.connect();
        await execAll(srcDb, fx.statements);
        const manifests = await manifestsOf(srcDb, [fx.lab, fx.exp]);
        await srcDb.close();

        const plan = planDdl(manifests, {
          sourceFamily: source.family, targetFamily: target.family,
          targetFlavor: target.name === 'mariadb' ? 'mariadb' : 'postgres', rename: new Map(),
        });
        expect(lossyKeys(plan.lossy)).toEqual(source.family === 'mysql'
          ? ['log_entry.at', 'log_entry.entry']
          : ['__stats._job_start_time', 'log_entry.entry', 'log_entry.msg_not_empty', 'log_entry.seq', 'subject.seen']);
        if (source.family === 'postgres') {
          expect(plan.lossy.find((l) => l.column === 'seen')!.condition).toEqual({ kind: 'fractional-seconds', digits: 0 });
          expect(plan.lossy.find((l) => l.column === '_job_start_time')!.condition).toEqual({ kind: 'fractional-seconds', digits: 3 });
        }

        const dstDb = await dst.connect();
        await executePlan(dstDb, plan);
        const got = await readPipeline(dstDb, { schemas: [fx.lab, fx.exp] });
        await dstDb.close();

        const refPrefix = ref.prefix;
        const refFx = fixtureFor(target, target.family === 'mysql' ? refPrefix : prefix);
        const refDb = await ref.connect();
        await execAll(refDb, refFx.statements);
        const want = await readPipeline(refDb, { schemas: [refFx.lab, refFx.exp] });
        await refDb.close();

        const toFixture = new Map([[refFx.lab, fx.lab], [refFx.exp, fx.exp]]);
        expect(asJson(got, new Map(), ['log_entry'])).toEqual(asJson(want, toFixture, ['log_entry']));

        // The lossy table still exists with every column and its key.
        const log = findTable(got, fx.lab, 'log_entry');
        expect(log.primaryKey).toEqual(['entry']);
        if (target.family === 'postgres') {
          expect(log.columns.map((c) => [c.name, c.sqlType, c.autoIncrement])).toEqual([
            ['entry', 'bigint', true], ['msg', 'character varying(100)', false], ['at', 'timestamp(0) without time zone', false],
          ]);
          expect(findTable(got, fx.exp, 'session').columns.find((c) => c.name === 'rig')!.sqlType)
            .toBe(`${fx.lab}.${enumName(['A', 'B', 'C'])}`);
        } else {
          expect(log.columns.map((c) => [c.name, c.sqlType, c.autoIncrement])).toEqual([
            ['entry', 'int(11)', true], ['msg', 'varchar(100)', false], ['seq', 'int(11)', false],
          ]);
          expect(log.autoIncrement).toBe('42');
        }
      } finally {
        for (const s of scratches) {
          await dropReferencingFirst(s);
          await s.cleanup();
        }
      }
    });

    const corpus = source.family === 'mysql' ? 'mariadb-dj2' : 'postgres-dj2';
    it.skipIf(!corpusPresent(corpus))(`translates the ${corpus} corpus keeping every DataJoint type and value kind`, async () => {
      const src = await source.createScratch();
      const dst = await target.createScratch();
      const work = await mkdtemp(path.join(os.tmpdir(), 'dj-ddl-xcorpus-'));
      try {
        const restored = await restoreCorpus(corpus, source, src, work);
        const srcDb = await src.connect();
        const manifests = await manifestsOf(srcDb, restored.schemas);
        await srcDb.close();
        const rename = new Map(restored.schemas.map((s) => [s, `${dst.prefix}${s.slice(s.indexOf('_') + 1)}`]));
        const plan = planDdl(manifests, {
          sourceFamily: source.family, targetFamily: target.family,
          targetFlavor: target.name === 'mariadb' ? 'mariadb' : 'postgres', rename,
        });
        const dstDb = await dst.connect();
        await executePlan(dstDb, plan);
        const got = await readPipeline(dstDb, { schemas: [...rename.values()] });
        await dstDb.close();

        const lossy = new Set(plan.lossy.filter((l) => !l.index && !l.constraint).map((l) => `${l.schema}.${l.table}.${l.column}`));
        let columns = 0;
        for (const s of manifests) {
          for (const t of s.tables) {
            const back = findTable(got, rename.get(s.name)!, t.name);
            expect(back.columns.map((c) => c.name)).toEqual(t.columns.map((c) => c.name));
            expect(back.primaryKey).toEqual(t.primaryKey);
            expect(back.foreignKeys.map((fk) => [fk.columns, fk.refSchema, fk.refTable, fk.refColumns, fk.onUpdate, fk.onDelete]).sort())
              .toEqual(t.foreignKeys.map((fk) => [fk.columns, rename.get(fk.refSchema), fk.refTable, fk.refColumns, fk.onUpdate, fk.onDelete]).sort());
            expect(back.indexes.filter((i) => i.unique).map((i) => i.columns).sort())
              .toEqual(t.indexes.filter((i) => i.unique).map((i) => i.columns).sort());
            t.columns.forEach((c, i) => {
              const b = back.columns[i];
              expect(`${t.name}.${c.name}: ${b.djType}`).toBe(`${t.name}.${c.name}: ${c.djType}`);
              expect(b.nullable).toBe(c.nullable);
              if (!lossy.has(`${s.name}.${t.name}.${c.name}`)) expect(`${t.name}.${c.name}: ${b.kind}`).toBe(`${t.name}.${c.name}: ${c.kind}`);
              columns++;
            });
          }
        }
        expect(columns).toBeGreaterThan(200);
      } finally {
        await src.cleanup();
        await dst.cleanup();
        await rm(work, { recursive: true, force: true });
      }
    });

    it.skipIf(!corpusPresent(corpus))(`takes the ${corpus} corpus there and back to the original catalog`, async () => {
      const a = await source.createScratch();
      const b = await target.createScratch();
      const c = await source.createScratch();
      const work = await mkdtemp(path.join(os.tmpdir(), 'dj-ddl-roundtrip-'));
      try {
        const restored = await restoreCorpus(corpus, source, a, work);
        const short = (name: string) => name.slice(name.indexOf('_') + 1);
        const dbA = await a.connect();
        const dbB = await b.connect();
        const dbC = await c.connect();
        try {
          const toB = new Map(restored.schemas.map((name) => [name, `${b.prefix}${short(name)}`]));
          const there = planDdl(await manifestsOf(dbA, restored.schemas), {
            sourceFamily: source.family, targetFamily: target.family, targetFlavor: target.name === 'mariadb' ? 'mariadb' : 'postgres', rename: toB,
          });
          await executePlan(dbB, there);
          const toC = new Map([...toB.values()].map((name) => [name, `${c.prefix}${short(name)}`]));
          const back = planDdl(await manifestsOf(dbB, [...toB.values()]), {
            sourceFamily: target.family, targetFamily: source.family, targetFlavor: source.name === 'mariadb' ? 'mariadb' : 'postgres', rename: toC,
          });
          await executePlan(dbC, back);
          const lossyTables = [...new Set([...there.lossy, ...back.lossy].map((l) => l.table))];
          const before = await readPipeline(dbA, { schemas: restored.schemas });
          // An enum type no column uses (left by a declaration that failed half-way) has nothing to carry it.
          const used = before.schemas.flatMap((s) => s.tables.flatMap((t) => t.columns.map((col) => col.sqlType)));
          for (const s of before.schemas) s.enumTypes = s.enumTypes.filter((e) => used.some((type) => type.endsWith(`.${e.name}`)));
          const original = comparableCatalog(before, new Map(), lossyTables);
          const again = await readPipeline(dbC, { schemas: [...toC.values()] });
          const toOriginal = new Map(restored.schemas.map((name) => [toC.get(toB.get(name)!)!, name]));
          expect(comparableCatalog(again, toOriginal, lossyTables)).toEqual(original);
        } finally {
          await dbA.close();
          await dbB.close();
          await dbC.close();
        }
      } finally {
        for (const s of [a, b, c]) await s.cleanup();
        await rm(work, { recursive: true, force: true });
      }
    });
  });
}
