/**
 * PostgreSQL/PGlite: a table's keys and indexes are taken off for its COPY and built again
 * afterwards, inside the caller's transaction, as a pg_dump restore does. Checking a foreign
 * key by trigger costs ~6.4 µs per row, where adding it back checks the whole table in one
 * join (1M rows: 0.6 s against 5.6 s); building the primary key's index over the loaded rows
 * costs less than inserting into it row by row (1M rows of 1.1 KB: COPY 3.5–3.9 s + 0.5 s for
 * the index, against 5.6–8.4 s with the index in place).
 *
 * Everything is put back from its own definition under its own name, with its comment, so the
 * catalog a re-export reads is the same. Nobody sees the table without its keys: the transaction
 * commits with them or rolls back to them. Rows that break a key fail the load as they would
 * have row by row.
 */
import type { Database } from '../../db/types.js';
import type { TableLoad } from './rows.js';

/**
 * Below this many rows the keys stay during the load: taking two foreign keys off and putting
 * them back costs ~1 ms, the trigger check ~6.4 µs per row (PostgreSQL 15, measured on 100 to
 * 10,000 rows: even at ~250).
 */
export const FOREIGN_KEYS_AT_END_FROM = 250;

/**
 * Below this many rows the primary key and indexes stay during the load: dropping and building
 * an index costs a few milliseconds of catalog work, inserting into it a few µs per row
 * (PostgreSQL 15, a table with a primary key and one index: even at ~5,000 rows, 20,000 rows
 * in 0.12 s rebuilt against 0.19 s kept).
 */
export const INDEXES_AT_END_FROM = 5_000;

interface Rebuild {
  /** Statements that take the object off, in order. */
  drop: string[];
  /** Statements that put it back, in order. */
  create: string[];
}

const CONSTRAINTS = `
  SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS def, con.contype AS type,
         quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS on_table,
         obj_description(con.oid, 'pg_constraint') AS comment,
         con.conrelid = $1::regclass AS own
    FROM pg_constraint con
    JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
   WHERE con.contype IN ('f', 'p', 'u', 'x') AND (con.conrelid = $1::regclass OR con.confrelid = $1::regclass)
   ORDER BY con.oid`;

const INDEXES = `
  SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS name, pg_get_indexdef(ix.indexrelid) AS def,
         obj_description(ix.indexrelid, 'pg_class') AS comment, ix.indisclustered AS clustered, ix.indisreplident AS replident,
         quote_ident(i.relname) AS bare
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
   WHERE ix.indrelid = $1::regclass
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))
   ORDER BY ix.indexrelid`;

interface ConstraintRow { name: string; def: string; type: string; on_table: string; comment: string | null; own: boolean }
interface IndexRow { name: string; def: string; comment: string | null; clustered: boolean; replident: boolean; bare: string }

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function planRebuild(db: Database, load: TableLoad, withIndexes: boolean): Promise<Rebuild> {
  const table = `${db.quoteIdent(load.schema)}.${db.quoteIdent(load.table)}`;
  const constraints = await db.query<ConstraintRow>(CONSTRAINTS, [table]);
  const ownKeys = constraints.filter((c) => c.type === 'f' && c.own);
  // Other tables' foreign keys hang on this one's unique index: they go and come back with it.
  const referencing = withIndexes ? constraints.filter((c) => c.type === 'f' && !c.own) : [];
  const unique = withIndexes ? constraints.filter((c) => c.type !== 'f') : [];
  const indexes = withIndexes ? await db.query<IndexRow>(INDEXES, [table]) : [];

  const dropConstraint = (c: ConstraintRow) => `ALTER TABLE ${c.on_table} DROP CONSTRAINT ${db.quoteIdent(c.name)}`;
  const addConstraint = (c: ConstraintRow) => [
    `ALTER TABLE ${c.on_table} ADD CONSTRAINT ${db.quoteIdent(c.name)} ${c.def}`,
    ...(c.comment === null ? [] : [`COMMENT ON CONSTRAINT ${db.quoteIdent(c.name)} ON ${c.on_table} IS ${literal(c.comment)}`]),
  ];
  const addIndex = (i: IndexRow) => [
    i.def,
    ...(i.comment === null ? [] : [`COMMENT ON INDEX ${i.name} IS ${literal(i.comment)}`]),
    ...(i.clustered ? [`ALTER TABLE ${table} CLUSTER ON ${i.bare}`] : []),
    ...(i.replident ? [`ALTER TABLE ${table} REPLICA IDENTITY USING INDEX ${i.bare}`] : []),
  ];
  // A unique constraint used as replica identity or clustered index is put back the same way.
  const backing = withIndexes ? await db.query<{ name: string; clustered: boolean; replident: boolean }>(
    `SELECT quote_ident(i.relname) AS name, ix.indisclustered AS clustered, ix.indisreplident AS replident
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid
      WHERE ix.indrelid = $1::regclass AND (ix.indisclustered OR ix.indisreplident)
        AND EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))`, [table]) : [];
  const backingAfter = backing.flatMap((b) => [
    ...(b.clustered ? [`ALTER TABLE ${table} CLUSTER ON ${b.name}`] : []),
    ...(b.replident ? [`ALTER TABLE ${table} REPLICA IDENTITY USING INDEX ${b.name}`] : []),
  ]);

  return {
    drop: [...referencing, ...ownKeys].map(dropConstraint)
      .concat(indexes.map((i) => `DROP INDEX ${i.name}`), unique.map(dropConstraint)),
    create: [
      ...unique.flatMap(addConstraint), ...backingAfter, ...indexes.flatMap(addIndex),
      ...ownKeys.flatMap(addConstraint), ...referencing.flatMap(addConstraint),
    ],
  };
}

/**
 * A key that fails to build names the rows in the server's detail ("Key (id)=(1) is
 * duplicated."); the message says it in the words of the row-by-row check.
 */
function rebuildError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const err = e as Error & { code?: unknown; detail?: unknown };
  const detail = typeof err.detail === 'string' ? err.detail : '';
  const index = /unique index "([^"]+)"/.exec(e.message)?.[1];
  if (err.code === '23505' && index) e.message = `duplicate key value violates unique constraint "${index}"${detail ? `: ${detail}` : ''}`;
  else if (detail && !e.message.includes(detail)) e.message = `${e.message}: ${detail}`;
  return e;
}

/**
 * Runs `body` (the COPY) with the table's foreign keys, and for larger tables also its primary
 * key, unique constraints and indexes, off; puts them back afterwards in the same transaction.
 * Foreign keys of other tables that reference this one go off and back with its unique keys.
 */
export async function withKeysBuiltAfterLoad<T>(db: Database, load: TableLoad, body: () => Promise<T>): Promise<T> {
  const rows = load.rows ?? Infinity;
  if (rows < FOREIGN_KEYS_AT_END_FROM) return body();
  const rebuild = await planRebuild(db, load, rows >= INDEXES_AT_END_FROM);
  for (const sql of rebuild.drop) await db.execute(sql);
  const result = await body();
  try {
    for (const sql of rebuild.create) await db.execute(sql);
  } catch (e) {
    throw rebuildError(e);
  }
  return result;
}
