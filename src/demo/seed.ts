/**
 * Build a whole pipeline from a plan: create the schemas, declare each table as DataJoint
 * 2.3.2 does (declare.ts), write object-store files and insert rows. Store-backed values are
 * given as deferred values and resolved per row, because their paths and metadata depend on
 * the row's schema, table, attribute and primary key, exactly as DataJoint computes them on
 * insert. Everything is deterministic: the same plan seeds the same rows and files.
 */
import type { Database, Family } from '../db/types.js';
import { attachBytes, packBlob, type ArrayDtype, type PyValue } from './blob-bytes.js';
import { Declarer, type DeclaredColumn, type TableDeclaration } from './declare.js';
import type { TableDef } from './definition.js';
import { FixtureValueError, SeedTargetError } from './errors.js';
import { insertRows, runDeclaration, type Row, type RowValue } from './insert.js';
import {
  putFilepath, putHashObject, putNpy, putSchemaFile, putSchemaFolder, type PathKeyValue, type SchemaAddress,
} from './store-objects.js';

/** A store-backed value, resolved when its row is inserted. */
export type Deferred =
  /** `<hash@s>` bytes, a packed blob for `<blob@s>`, `name\0contents` for `<attach@s>`. */
  | { deferred: 'hash'; bytes: Uint8Array }
  /** `<object@s>` from bytes with an extension (recorded as given) or a file's suffix. */
  | { deferred: 'object-file'; token: string; ext: string | null; bytes: Uint8Array; timestamp: string }
  /** `<object@s>` from a folder. */
  | { deferred: 'object-folder'; token: string; files: { path: string; bytes: Uint8Array }[]; timestamp: string; created: string }
  | { deferred: 'npy'; token: string; dtype: ArrayDtype; shape: number[]; data: (number | bigint | boolean)[] }
  /** `<filepath@s>`: a file placed at `path` in the store. */
  | { deferred: 'filepath'; path: string; bytes: Uint8Array; timestamp: string };

export type SeedValue = RowValue | Deferred;
export type SeedRow = Record<string, SeedValue>;

export const deferred = {
  hash: (bytes: Uint8Array): Deferred => ({ deferred: 'hash', bytes }),
  blob: (value: PyValue): Deferred => ({ deferred: 'hash', bytes: packBlob(value) }),
  attach: (filename: string, contents: Uint8Array): Deferred => ({ deferred: 'hash', bytes: attachBytes(filename, contents) }),
  objectFile: (token: string, ext: string | null, bytes: Uint8Array, timestamp: string): Deferred =>
    ({ deferred: 'object-file', token, ext, bytes, timestamp }),
  objectFolder: (token: string, files: { path: string; bytes: Uint8Array }[], timestamp: string, created: string): Deferred =>
    ({ deferred: 'object-folder', token, files, timestamp, created }),
  npy: (token: string, dtype: ArrayDtype, shape: number[], data: (number | bigint | boolean)[]): Deferred =>
    ({ deferred: 'npy', token, dtype, shape, data }),
  filepath: (path: string, bytes: Uint8Array, timestamp: string): Deferred => ({ deferred: 'filepath', path, bytes, timestamp }),
};

/** A table that is not DataJoint's (no markers, no lineage) in a DataJoint schema. */
export interface PlainTable {
  schema: string;
  name: string;
  /** CREATE TABLE per family; `{schema}` and `{table}` are replaced by the quoted names. */
  ddl: Record<Family, string>;
  columns: string[];
  primaryKey: string[];
  rows: (string | number | null)[][];
}

export type SeedStep =
  | { kind: 'table'; def: TableDef; rows: SeedRow[] }
  /** The `~~<table>` jobs table DataJoint creates for an auto-populated table, with rows. */
  | { kind: 'jobs'; target: { schema: string; table: string }; rows: SeedRow[] }
  | { kind: 'plain'; table: PlainTable };

export interface SeedPlan {
  schemas: string[];
  steps: SeedStep[];
}

export interface SeedOptions {
  /** The folder holding one sub-folder per store (a store's `location` is `<storeRoot>/<store>`). */
  storeRoot: string;
  /** `reverse` inserts every table's rows (and lineage rows) in the opposite order; content is the same. */
  order?: 'forward' | 'reverse';
}

export type SeededKind = 'table' | 'jobs' | 'plain' | 'lineage';

export interface SeededTable {
  schema: string;
  name: string;
  kind: SeededKind;
  declaration: TableDeclaration | null;
  /** All columns in table order, hidden ones included. */
  columns: string[];
  hiddenColumns: string[];
  primaryKey: string[];
  /** The rows as inserted, store values resolved to their metadata, in plan (forward) order. */
  rows: Row[];
}

export interface SeedResult {
  family: Family;
  schemas: string[];
  tables: SeededTable[];
}

/** Create the plan's schemas (which must not exist yet) and everything in them. */
export async function seedPipeline(db: Database, plan: SeedPlan, options: SeedOptions): Promise<SeedResult> {
  const declarer = new Declarer(db.family);
  const existing = await existingSchemas(db, plan.schemas);
  if (existing.length > 0) {
    throw new SeedTargetError(
      `Schema(s) ${existing.join(', ')} already exist in ${db.displayUrl}; seed into an empty database or pick another schema prefix.`,
      { schemas: existing },
    );
  }
  for (const schema of plan.schemas) await db.execute(declarer.createSchemaSql(schema));
  const reverse = options.order === 'reverse';
  const tables: SeededTable[] = [];
  const lineage = new Map<string, Row[]>();

  for (const step of plan.steps) {
    if (step.kind === 'plain') {
      tables.push(await createPlain(db, declarer, step.table, reverse));
      continue;
    }
    const def = step.kind === 'table' ? step.def : declarer.jobsTableDef(step.target.schema, step.target.table);
    const declaration = declarer.declare(def);
    await runDeclaration(db, declarer, reverse ? { ...declaration, lineage: [...declaration.lineage].reverse() } : declaration);
    const lineageRows = lineage.get(declaration.schema) ?? [];
    lineage.set(declaration.schema, lineageRows);
    for (const r of declaration.lineage) lineageRows.push({ table_name: r.table, attribute_name: r.attribute, lineage: r.lineage });

    const rows: Row[] = [];
    const order = reverse ? [...step.rows].reverse() : step.rows;
    const resolved = new Map<SeedRow, Row>();
    for (const row of order) resolved.set(row, await resolveRow(options.storeRoot, declaration, row));
    await insertRows(db, declarer, declaration, order.map((r) => resolved.get(r) as Row));
    for (const row of step.rows) rows.push(resolved.get(row) as Row);
    tables.push({
      schema: declaration.schema,
      name: declaration.name,
      kind: step.kind,
      declaration,
      columns: declaration.columns.map((c) => c.name),
      hiddenColumns: declaration.columns.filter((c) => c.hidden).map((c) => c.name),
      primaryKey: declaration.primaryKey,
      rows,
    });
  }
  for (const schema of plan.schemas) {
    const rows = lineage.get(schema);
    if (!rows) continue;
    tables.push({
      schema, name: '~lineage', kind: 'lineage', declaration: null, columns: ['table_name', 'attribute_name', 'lineage'],
      hiddenColumns: [], primaryKey: ['table_name', 'attribute_name'], rows,
    });
  }
  return { family: db.family, schemas: [...plan.schemas], tables };
}

async function existingSchemas(db: Database, schemas: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const schema of schemas) {
    const rows = db.family === 'mysql'
      ? await db.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?', [schema])
      : await db.query('SELECT nspname FROM pg_namespace WHERE nspname = $1', [schema]);
    if (rows.length > 0) found.push(schema);
  }
  return found;
}

async function createPlain(db: Database, declarer: Declarer, table: PlainTable, reverse: boolean): Promise<SeededTable> {
  const ddl = table.ddl[db.family].replace('{schema}', declarer.quote(table.schema)).replace('{table}', declarer.quote(table.name));
  await db.execute(ddl);
  const order = reverse ? [...table.rows].reverse() : table.rows;
  if (order.length > 0) {
    const params: unknown[] = [];
    const tuples = order.map((row) => `(${row.map((v) => {
      params.push(v);
      return db.family === 'mysql' ? '?' : `$${params.length}`;
    }).join(', ')})`);
    await db.query(
      `INSERT INTO ${declarer.fullName(table.schema, table.name)} (${table.columns.map((c) => declarer.quote(c)).join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
  return {
    schema: table.schema, name: table.name, kind: 'plain', declaration: null, columns: [...table.columns], hiddenColumns: [],
    primaryKey: [...table.primaryKey],
    rows: table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, r[i]]))),
  };
}

function isDeferred(value: SeedValue): value is Deferred {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value)
    && typeof (value as { deferred?: unknown }).deferred === 'string';
}

/** Write the row's store files and replace each deferred value by the metadata DataJoint stores. */
async function resolveRow(storeRoot: string, table: TableDeclaration, row: SeedRow): Promise<Row> {
  const out: Row = {};
  for (const [name, value] of Object.entries(row)) {
    if (!isDeferred(value)) {
      out[name] = value;
      continue;
    }
    const column = table.columns.find((c) => c.name === name);
    const where = `${table.schema}.${table.name}`;
    if (!column) throw new FixtureValueError(where, name, 'the table has no such column');
    out[name] = await resolveDeferred(storeRoot, table, column, row, value);
  }
  return out;
}

async function resolveDeferred(storeRoot: string, table: TableDeclaration, column: DeclaredColumn, row: SeedRow, value: Deferred): Promise<RowValue> {
  const where = `${table.schema}.${table.name}`;
  const origin = column.origin;
  if (origin.category !== 'codec' || origin.store === null) {
    throw new FixtureValueError(where, column.name, `a store value needs a store codec column, not ${origin.text}`);
  }
  const expected: Record<Deferred['deferred'], string[]> = {
    hash: ['hash', 'blob', 'attach'], 'object-file': ['object'], 'object-folder': ['object'], npy: ['npy'], filepath: ['filepath'],
  };
  if (!expected[value.deferred].includes(origin.codec)) {
    throw new FixtureValueError(where, column.name, `a ${value.deferred} value does not fit <${origin.codec}@${origin.store}>`);
  }
  const store = origin.store;
  if (store === '') throw new FixtureValueError(where, column.name, 'fixtures name their stores explicitly');
  const address = (token: string): SchemaAddress => ({
    store, schema: table.schema, table: table.name, field: column.name, token,
    key: table.primaryKey.map((k): [string, PathKeyValue] => {
      const v = row[k];
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') {
        throw new FixtureValueError(where, column.name, `primary-key value ${k} must be text or a number to build the object path`);
      }
      return [k, v];
    }),
  });
  switch (value.deferred) {
    case 'hash': return putHashObject(storeRoot, store, table.schema, value.bytes);
    case 'object-file': return putSchemaFile(storeRoot, address(value.token), value.bytes, { ext: value.ext, timestamp: value.timestamp });
    case 'object-folder': return putSchemaFolder(storeRoot, address(value.token), value.files, { timestamp: value.timestamp, created: value.created });
    case 'npy': return putNpy(storeRoot, address(value.token), { dtype: value.dtype, shape: value.shape, data: value.data });
    case 'filepath': return putFilepath(storeRoot, store, value.path, value.bytes, { timestamp: value.timestamp });
  }
}
