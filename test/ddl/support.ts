/**
 * Shared steps of the DDL integration tests: build manifests from a live catalog, execute a
 * plan, and reduce a catalog to a comparable form with schema names mapped back.
 */
import { readPipeline } from '../../src/catalog/read.js';
import type { Pipeline, Table } from '../../src/catalog/model.js';
import type { Database } from '../../src/db/types.js';
import type { DdlPlan } from '../../src/ddl/index.js';
import { schemaManifest, tableManifest, type SchemaManifest } from '../../src/snapshot/manifest.js';

/** Manifests as dj-export writes them (file lists and hashes are dummies: the DDL does not read them). */
export async function manifestsOf(db: Database, schemas: string[]): Promise<SchemaManifest[]> {
  const p = await readPipeline(db, { schemas });
  return p.schemas.map((s) => schemaManifest(s, 'sha256:0', s.tables.map((t) => tableManifest(t, [], 0, 'sha256:0'))));
}

export async function executePlan(db: Database, plan: DdlPlan): Promise<void> {
  for (const s of plan.schemas) for (const sql of s.create) await run(db, sql);
  for (const t of plan.tables) for (const sql of t.create) await run(db, sql);
  for (const t of plan.tables) for (const sql of t.afterLoad) await run(db, sql);
}

async function run(db: Database, sql: string): Promise<void> {
  try {
    await db.execute(sql);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- in statement:\n${sql}`);
  }
}

export async function execAll(db: Database, statements: string[]): Promise<void> {
  for (const sql of statements) await run(db, sql);
}

/** Replace whole schema names in text (names in these tests are unique random tokens). */
export function mapNames(text: string, map: Map<string, string>): string {
  let out = text;
  for (const [from, to] of map) out = out.split(from).join(to);
  return out;
}

/**
 * A catalog reduced to plain data, schema names mapped through `map` in the SQL-bearing fields.
 * Column comments are left untouched on purpose: renaming must never change them.
 */
export function comparableCatalog(p: Pipeline, map: Map<string, string>, skipTables: string[] = []): unknown {
  const m = (s: string) => mapNames(s, map);
  return p.schemas.map((s) => ({
    name: m(s.name),
    datajoint: s.datajoint,
    charset: s.charset,
    collation: s.collation,
    enumTypes: s.enumTypes.map((e) => ({ schema: m(e.schema), name: e.name, labels: e.labels })),
    tables: s.tables.filter((t) => !skipTables.includes(t.name)).map((t) => comparableTable(t, m)),
  }));
}

export function comparableTable(t: Table, m: (s: string) => string): unknown {
  return {
    name: t.name, tier: t.tier, master: t.master, comment: t.comment,
    columns: t.columns.map((c) => ({ ...c, sqlType: m(c.sqlType), default: c.default === null ? null : m(c.default) })),
    primaryKey: t.primaryKey,
    foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, refSchema: m(fk.refSchema) })),
    indexes: t.indexes.map((i) => ({ ...i, definition: i.definition === undefined ? undefined : m(i.definition) })),
    engine: t.engine, collation: t.collation, autoIncrement: t.autoIncrement,
    sequences: t.sequences,
    createSql: m(t.createSql),
    postSql: t.postSql.map(m),
    definition: m(t.definition),
  };
}

export function findTable(p: Pipeline, schema: string, table: string): Table {
  const t = p.schemas.find((s) => s.name === schema)?.tables.find((x) => x.name === table);
  if (!t) throw new Error(`no table ${schema}.${table} in the catalog`);
  return t;
}
