/**
 * What the target database already holds, and the import's progress record.
 *
 * Every schema an import creates gets a small table `~dj_snapshot_import` (a `~` name, which
 * DataJoint treats as hidden) holding the snapshot's pipeline hash and one row per table whose
 * DDL is complete. It exists from the moment the schema is created until the import has been
 * verified, so "exists but unfinished" is always detectable: a later run without --resume is
 * refused, and --resume knows which tables it may trust. Rows themselves need no record: each
 * table is loaded in one transaction, so it is either empty or complete, and --resume checks
 * completed tables by row count and logical hash anyway.
 */
import type { Database } from '../db/types.js';

export const MARKER_TABLE = '~dj_snapshot_import';

function placeholders(db: Database, n: number, start = 1): string {
  return Array.from({ length: n }, (_, i) => (db.family === 'mysql' ? '?' : `$${start + i}`)).join(', ');
}

/** Which of `names` exist as schemas (MySQL databases). */
export async function existingSchemas(db: Database, names: readonly string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = db.family === 'mysql'
    ? await db.query<{ name: string }>(`SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${placeholders(db, names.length)})`, [...names])
    : await db.query<{ name: string }>(`SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname IN (${placeholders(db, names.length)})`, [...names]);
  return new Set(rows.map((r) => r.name));
}

/** Base tables (and views) of one schema. */
export async function tablesIn(db: Database, schema: string): Promise<Set<string>> {
  const rows = db.family === 'mysql'
    ? await db.query<{ name: string }>('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [schema])
    : await db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`, [schema]);
  return new Set(rows.map((r) => r.name));
}

export interface MarkerState {
  snapshot: string | null;
  sourceSchema: string | null;
  /** Tables whose DDL completed. */
  created: Set<string>;
}

export async function readMarker(db: Database, schema: string): Promise<MarkerState> {
  const rows = await db.query<{ item: string; value: string }>(`SELECT item, value FROM ${db.quoteIdent(schema)}.${db.quoteIdent(MARKER_TABLE)}`);
  const state: MarkerState = { snapshot: null, sourceSchema: null, created: new Set() };
  for (const { item, value } of rows) {
    if (item === 'snapshot') state.snapshot = value;
    else if (item === 'source-schema') state.sourceSchema = value;
    else if (item.startsWith('created:')) state.created.add(item.slice('created:'.length));
  }
  return state;
}

export function createMarkerSql(db: Database, schema: string): string {
  const t = `${db.quoteIdent(schema)}.${db.quoteIdent(MARKER_TABLE)}`;
  return db.family === 'mysql'
    ? `CREATE TABLE ${t} (\`item\` varchar(255) NOT NULL, \`value\` text NOT NULL, PRIMARY KEY (\`item\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='dj-import in progress'`
    : `CREATE TABLE ${t} (item text PRIMARY KEY, value text NOT NULL)`;
}

export async function writeMarkerItem(db: Database, schema: string, item: string, value: string): Promise<void> {
  const t = `${db.quoteIdent(schema)}.${db.quoteIdent(MARKER_TABLE)}`;
  if (db.family === 'mysql') await db.query(`REPLACE INTO ${t} (\`item\`, \`value\`) VALUES (?, ?)`, [item, value]);
  else await db.query(`INSERT INTO ${t} (item, value) VALUES ($1, $2) ON CONFLICT (item) DO UPDATE SET value = EXCLUDED.value`, [item, value]);
}

export async function dropMarker(db: Database, schema: string): Promise<void> {
  await db.execute(`DROP TABLE IF EXISTS ${db.quoteIdent(schema)}.${db.quoteIdent(MARKER_TABLE)}`);
}

/** Foreign keys from tables outside `schemas` into them: dropping the schemas would break those. */
export async function referencesFromOutside(db: Database, schemas: readonly string[]): Promise<string[]> {
  if (!schemas.length) return [];
  const n = schemas.length;
  if (db.family === 'mysql') {
    const rows = await db.query<{ s: string; t: string; c: string; rs: string; rt: string }>(
      `SELECT DISTINCT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS c, REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt
         FROM information_schema.KEY_COLUMN_USAGE
        WHERE REFERENCED_TABLE_SCHEMA IN (${placeholders(db, n)}) AND TABLE_SCHEMA NOT IN (${placeholders(db, n)})`,
      [...schemas, ...schemas]);
    return rows.map((r) => `${r.s}.${r.t} (${r.c}) → ${r.rs}.${r.rt}`);
  }
  const rows = await db.query<{ s: string; t: string; c: string; rs: string; rt: string }>(
    `SELECT cn.nspname AS s, cc.relname AS t, k.conname AS c, rn.nspname AS rs, rc.relname AS rt
       FROM pg_catalog.pg_constraint k
       JOIN pg_catalog.pg_class cc ON cc.oid = k.conrelid JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace
       JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE k.contype = 'f' AND rn.nspname IN (${placeholders(db, n)}) AND cn.nspname NOT IN (${placeholders(db, n, n + 1)})`,
    [...schemas, ...schemas]);
  return rows.map((r) => `${r.s}.${r.t} (${r.c}) → ${r.rs}.${r.rt}`);
}

/** Drop exactly these schemas with everything in them (PostgreSQL: also their enum types). */
export async function dropSchemas(db: Database, schemas: readonly string[]): Promise<void> {
  if (!schemas.length) return;
  if (db.family === 'mysql') {
    // Tables of one dropped schema may reference another's; the order of drops must not matter.
    await db.execute('SET foreign_key_checks = 0');
    try {
      for (const s of schemas) await db.execute(`DROP DATABASE IF EXISTS ${db.quoteIdent(s)}`);
    } finally {
      await db.execute('SET foreign_key_checks = 1');
    }
    return;
  }
  await db.execute(`DROP SCHEMA IF EXISTS ${schemas.map((s) => db.quoteIdent(s)).join(', ')} CASCADE`);
}

/** Row count of a table. */
export async function countRows(db: Database, schema: string, table: string): Promise<number> {
  const [{ n }] = await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${db.quoteIdent(schema)}.${db.quoteIdent(table)}`);
  return Number(n);
}
