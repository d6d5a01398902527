/**
 * dj-import: a snapshot (any git ref, or a plain directory) → fresh schemas in a database
 * (MariaDB/MySQL, PostgreSQL, PGlite) plus object files in the target stores.
 *
 * Order of work, chosen so that a bad snapshot or a refused target changes nothing, and an
 * interrupted run can always be finished with `resume`:
 *   1. open the snapshot and connect (reads only);
 *   2. verify the snapshot completely (verify-snapshot.ts);
 *   3. plan the DDL; refuse lossy columns unless allowed; check the stores and object paths;
 *   4. look at the target: refuse existing schemas (or an unfinished import) unless
 *      `replace`/`resume` says what to do; drop replaced schemas after confirmation;
 *   5. create schemas with their progress record (target.ts) and tables, parents first;
 *   6. load each table in one transaction with the backend's bulk path (load/);
 *   7. advance AUTO_INCREMENT counters and sequences, write the objects;
 *   8. verify every table (row count + logical hash, recomputed from the target) and object;
 *   9. remove the progress records.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Table } from '../catalog/model.js';
import { readPipeline } from '../catalog/read.js';
import { connect } from '../db/connect.js';
import type { Database, Dialect, Family } from '../db/types.js';
import { planDdl } from '../ddl/index.js';
import type { DdlPlan, LossyColumn, TablePlan } from '../ddl/types.js';
import { UsageError } from '../errors/base.js';
import type { ProgressListener } from '../export/progress.js';
import { hashPipeline, hashSchema, TableHasher } from '../hash/index.js';
import { loadStoreConfig, NO_STORES, type StoreConfig } from '../objects/stores.js';
import { readParquet } from '../parquet/reader.js';
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import type { CValue } from '../values/kinds.js';
import {
  ImportInternalError, IncompleteImportError, loadFailure, LossyImportError, ReferencedFromOutsideError, ReplaceNotConfirmedError,
  SchemaExistsError, VerificationFailedError, type TableMismatch,
} from './errors.js';
import { bareHash, manifestHash, sameHash } from './hash-text.js';
import { loadTable, type LoadColumn, type RowBatches } from './load/index.js';
import { planObjectWrites, verifyObjects, writeObjects, type ObjectTarget } from './objects.js';
import { confirmLossy } from './lossy.js';
import { renameLineage, renameMap } from './rename.js';
import { shapesOf } from './shapes.js';
import { openSnapshot } from './source.js';
import {
  countRows, createMarkerSql, dropMarker, dropSchemas, existingSchemas, MARKER_TABLE, readMarker, referencesFromOutside,
  tablesIn, writeMarkerItem,
} from './target.js';
import { tableKey, verifySnapshot, type VerifiedSnapshot } from './verify-snapshot.js';
import { DigestPool } from './digest-pool.js';
import { digestTargetTable, type TableDigest } from './verify-target.js';

export interface ImportOptions {
  /** A snapshot repository (read at `ref`, default HEAD) or a plain snapshot directory. */
  snapshot: string;
  ref?: string;
  /** Connection URL as for dj-export (password from `password`, DJ_PASS or a prompt), or an open database. */
  db: string | Database;
  password?: string;
  /** `old=new` schema renames. */
  rename?: string[];
  /** `old_=new_` schema-name prefix replacements. */
  prefix?: string[];
  /** A DataJoint-style stores file, or a parsed configuration; needed when the snapshot has objects. */
  stores?: string | StoreConfig;
  /** Drop and recreate the schemas being imported if they exist (needs `yes` or `confirm`). */
  replace?: boolean;
  yes?: boolean;
  /** Asked before dropping schemas when `replace` and not `yes`; without it, replace needs `yes`. */
  confirm?: (question: string) => Promise<boolean>;
  /** Finish an interrupted import of the same snapshot. */
  resume?: boolean;
  /** Go on although some columns cannot be carried exactly to the target. */
  lossy?: boolean;
  onProgress?: ProgressListener;
  /** Where git blobs are materialised for reading (default: the OS temp directory). */
  tempDir?: string;
  /** Rows per streamed batch when reading the target back. */
  batchRows?: number;
}

export type TableStatus = 'ok' | 'lossy' | 'mismatch';

export interface TableResult {
  schema: string;
  table: string;
  sourceSchema: string;
  rows: number;
  expectedRows: number;
  hash: string;
  expectedHash: string;
  status: TableStatus;
  /** What this run did: loaded it, emptied and reloaded a partial load, or found it complete. */
  action: 'loaded' | 'reloaded' | 'kept';
  seconds: number;
}

export interface ImportResult {
  snapshot: { source: string; ref: string | null; commit: string | null; family: Family; formatVersion: number; pipelineHash: string };
  target: { url: string; dialect: Dialect; pipelineHash: string };
  schemas: { source: string; name: string; tables: number; rows: number }[];
  tables: TableResult[];
  rows: number;
  objects: { count: number; bytes: number; written: number; missing: number };
  lossy: LossyColumn[];
  /** Tables whose content cannot match the snapshot because of lossy columns. */
  lossyTables: string[];
  resumed: boolean;
  replaced: string[];
  warnings: string[];
  seconds: number;
  /** Seconds per phase: snapshot verification, creating + loading, objects, checking the target. */
  phases: { verify: number; load: number; objects: number; check: number };
}

const LINEAGE_TABLE = '~lineage';
/** Tables of at least this many rows are verified in worker threads where the backend allows it. */
export const POOL_FROM_ROWS = 20_000;
const LINEAGE_COLUMN = 'lineage';

interface SchemaState {
  name: string;
  sourceName: string;
  exists: boolean;
  /** Tables present in the target schema (resume). */
  tables: Set<string>;
  /** Tables whose DDL is known complete (resume). */
  created: Set<string>;
  /** The schema has a progress record already. */
  marked: boolean;
}

export async function importSnapshot(options: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  if (options.replace && options.resume) throw new UsageError('--replace and --resume exclude each other: --resume finishes an import, --replace starts it over.');
  const stores = typeof options.stores === 'string' ? await loadStoreConfig(options.stores) : options.stores ?? NO_STORES;
  const files = await openSnapshot(options.snapshot, options.ref);
  const workDir = await mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'dj-import-'));
  const ownsDb = typeof options.db === 'string';
  let db: Database | undefined;
  try {
    db = typeof options.db === 'string' ? await connect(options.db, options.password === undefined ? {} : { password: options.password }) : options.db;
    progress({ type: 'phase', phase: `verifying ${files.label}` });
    const verifyStarted = Date.now();
    const snap = await verifySnapshot(files, workDir, progress);
    const phases = { verify: (Date.now() - verifyStarted) / 1000, load: 0, objects: 0, check: 0 };
    return await importVerified(db, snap, stores, options, progress, started, phases);
  } finally {
    if (ownsDb && db) await db.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function importVerified(
  db: Database, snap: VerifiedSnapshot, stores: StoreConfig, options: ImportOptions, progress: ProgressListener, started: number,
  phases: ImportResult['phases'],
): Promise<ImportResult> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    progress({ type: 'warning', message });
  };
  const manifests = new Map(snap.schemas.map((s) => [s.name, s]));
  const rename = renameMap(snap.schemas.map((s) => s.name), { rename: options.rename, prefix: options.prefix });
  const flavor = db.family === 'postgres' ? 'postgres' : /mariadb/i.test(await db.serverVersion()) ? 'mariadb' : 'mysql';
  const plan: DdlPlan = planDdl(snap.schemas, { sourceFamily: snap.pipeline.family, targetFamily: db.family, targetFlavor: flavor, rename });
  checkPlan(plan, snap);

  // Lossy columns are reported before anything is created; those whose loss depends on values
  // are checked against the rows first.
  const lossy = await confirmLossy(plan.lossy, snap.schemas, snap);
  if (lossy.length) {
    if (!options.lossy) throw new LossyImportError(lossy);
    for (const l of lossy) warn(`lossy: ${l.schema}.${l.table}.${l.column}: ${l.problem}`);
  }
  // Lossy entries name source schemas; results name target schemas.
  const lossyTables = new Set(lossy.map((l) => `${rename.get(l.schema) ?? l.schema}.${l.table}`));
  for (const m of snap.missingObjects) warn(`object ${m.store}:${m.path} was missing at export and is not imported${m.problem ? ` (${m.problem})` : ''}`);

  const storeNames = [...new Set(snap.objects.map((o) => o.store))].sort();
  const objectTargets = await planObjectWrites(snap.objects, storeNames, stores);

  // Expected content per target table: the manifest's, except ~lineage rows that renaming rewrites.
  const expected = new Map<string, { rows: number; hash: string }>();
  for (const t of plan.tables) {
    const m = tableManifest(manifests, t);
    const rewrite = lineageRewrite(m, rename);
    expected.set(tableKey(t.schema, t.name), {
      rows: m.rows,
      hash: rewrite ? await hashRows(m, sourceRows(snap, t, rewrite)) : manifestHash(m.hash),
    });
  }

  // The target as it is.
  const states = await inspectTarget(db, plan, snap, options);
  const existing = states.filter((s) => s.exists).map((s) => s.name);
  let replaced: string[] = [];
  if (options.replace && existing.length) {
    const outside = await referencesFromOutside(db, existing);
    if (outside.length) throw new ReferencedFromOutsideError(outside);
    await confirmReplace(existing, db.displayUrl, options);
    progress({ type: 'phase', phase: `dropping ${existing.join(', ')}` });
    await dropSchemas(db, existing);
    replaced = existing;
    for (const s of states) {
      s.exists = false;
      s.tables.clear();
      s.created.clear();
      s.marked = false;
    }
  }
  const resumed = states.some((s) => s.exists);

  const restoreSession = await prepareSession(db);
  try {
    return await createLoadVerify(db, snap, options, progress, started, phases, {
      plan, lossy, manifests, rename, expected, lossyTables, objectTargets, warnings, replaced, resumed, states,
    });
  } finally {
    await restoreSession().catch(() => undefined);
  }
}

interface Prepared {
  plan: DdlPlan;
  lossy: LossyColumn[];
  manifests: Map<string, SchemaManifest>;
  rename: Map<string, string>;
  expected: Map<string, { rows: number; hash: string }>;
  lossyTables: Set<string>;
  objectTargets: ObjectTarget[];
  warnings: string[];
  replaced: string[];
  resumed: boolean;
  states: SchemaState[];
}

async function createLoadVerify(
  db: Database, snap: VerifiedSnapshot, options: ImportOptions, progress: ProgressListener, started: number,
  phases: ImportResult['phases'], p: Prepared,
): Promise<ImportResult> {
  const loadStarted = Date.now();
  const { plan, lossy, manifests, rename, expected, lossyTables, objectTargets, warnings, replaced, resumed, states } = p;
  progress({ type: 'phase', phase: `creating ${plan.schemas.length} schema${plan.schemas.length === 1 ? '' : 's'} on ${db.displayUrl}` });
  await createAll(db, plan, states, snap);

  const catalog = await readPipeline(db, { schemas: plan.schemas.map((s) => s.name), includeJobs: true });
  const targetTables = new Map(catalog.schemas.flatMap((s) => s.tables.map((t) => [tableKey(t.schema, t.name), t] as const)));
  const stateOf = new Map(states.map((s) => [s.name, s]));

  // Rows, parents first.
  const results: TableResult[] = [];
  const digests = new Map<string, TableDigest>();
  for (const t of plan.tables) {
    const key = tableKey(t.schema, t.name);
    const target = targetTables.get(key);
    if (!target) throw new ImportInternalError(`The planned table ${t.schema}.${t.name} is not in the target after creating it.`, { table: `${t.schema}.${t.name}` });
    const manifest = tableManifest(manifests, t);
    const want = expected.get(key)!;
    const tableStarted = Date.now();
    let action: TableResult['action'] = 'loaded';
    let clear = false;
    if (stateOf.get(t.schema)!.tables.has(t.name)) {
      const n = await countRows(db, t.schema, t.name);
      if (n > 0) {
        progress({ type: 'phase', phase: `checking ${t.schema}.${t.name} (${n} rows present)` });
        const digest = n === want.rows ? await digestTargetTable(db, target, options.batchRows) : { rows: n, hash: '' };
        if (digest.rows === want.rows && sameHash(digest.hash, want.hash)) {
          digests.set(key, digest);
          results.push(tableResult(t, digest, want, 'kept', lossyTables, tableStarted));
          progress({ type: 'table-done', schema: t.schema, table: t.name, rows: n, seconds: 0 });
          continue;
        }
        clear = true;
        action = 'reloaded';
      }
    }
    progress({ type: 'table-start', schema: t.schema, table: t.name, totalRows: manifest.rows });
    const columns = loadColumns(manifest, target, t);
    let rows: number;
    try {
      rows = await loadTable(db, { schema: t.schema, table: t.name, columns, clear, rows: manifest.rows }, sourceRows(snap, t, lineageRewrite(manifest, rename)),
        (n) => progress({ type: 'table-rows', schema: t.schema, table: t.name, rows: n, totalRows: manifest.rows }));
    } catch (e) {
      throw loadFailure(`${t.schema}.${t.name}`, db.displayUrl, e);
    }
    progress({ type: 'table-done', schema: t.schema, table: t.name, rows, seconds: (Date.now() - tableStarted) / 1000 });
    results.push({ ...tableResult(t, { rows, hash: '' }, want, action, lossyTables, tableStarted) });
  }

  for (const t of plan.tables) for (const sql of t.afterLoad) await db.execute(sql);

  phases.load = (Date.now() - loadStarted) / 1000;
  const objectsStarted = Date.now();
  progress({ type: 'phase', phase: `writing ${objectTargets.length} objects` });
  const written = await writeObjects(objectTargets, (done, bytes) => progress({ type: 'objects', done, total: objectTargets.length, bytes }));

  // Verify: every table as an export of the target would see it, and every object.
  phases.objects = (Date.now() - objectsStarted) / 1000;
  const checkStarted = Date.now();
  progress({ type: 'phase', phase: 'verifying the target' });
  const mismatches: TableMismatch[] = [];
  const pool = new DigestPool();
  try {
    for (const r of results) {
      const key = tableKey(r.schema, r.table);
      // Large tables are decoded and hashed in worker threads; a worker's start-up would cost small ones more than it saves.
      const digest = digests.get(key)
        ?? await digestTargetTable(db, targetTables.get(key)!, options.batchRows, { pool: r.expectedRows >= POOL_FROM_ROWS ? pool : undefined });
      r.rows = digest.rows;
      r.hash = manifestHash(digest.hash);
      const ok = r.rows === r.expectedRows && sameHash(r.hash, r.expectedHash);
      r.status = ok ? 'ok' : lossyTables.has(`${r.schema}.${r.table}`) ? 'lossy' : 'mismatch';
      if (r.status === 'mismatch') mismatches.push({ table: `${r.schema}.${r.table}`, expectedRows: r.expectedRows, rows: r.rows, expectedHash: r.expectedHash, hash: r.hash });
    }
  } finally {
    await pool.close();
  }
  const objectProblems = await verifyObjects(objectTargets);
  if (mismatches.length || objectProblems.length) throw new VerificationFailedError(db.displayUrl, mismatches, objectProblems, results);

  for (const s of plan.schemas) await dropMarker(db, s.name);
  phases.check = (Date.now() - checkStarted) / 1000;

  const schemaHashes = plan.schemas.map((s) => ({
    name: s.name,
    hash: hashSchema(results.filter((r) => r.schema === s.name).map((r) => ({ name: r.table, hash: bareHash(r.hash) }))),
  }));
  const targetPipelineHash = manifestHash(hashPipeline(schemaHashes, snap.objects.map((o) => ({ store: o.store, path: o.path, sha256: o.sha256 }))));
  return {
    snapshot: {
      source: snap.files.dir, ref: snap.files.ref, commit: snap.files.commit, family: snap.pipeline.family,
      formatVersion: snap.pipeline.formatVersion, pipelineHash: manifestHash(snap.pipeline.hash),
    },
    target: { url: db.displayUrl, dialect: db.dialect, pipelineHash: targetPipelineHash },
    schemas: plan.schemas.map((s) => {
      const mine = results.filter((r) => r.schema === s.name);
      return { source: s.sourceName, name: s.name, tables: mine.length, rows: mine.reduce((n, r) => n + r.rows, 0) };
    }),
    tables: results,
    rows: results.reduce((n, r) => n + r.rows, 0),
    objects: { count: objectTargets.length, bytes: objectTargets.reduce((n, t) => n + t.object.size, 0), written: written.written, missing: snap.missingObjects.length },
    lossy,
    lossyTables: [...lossyTables].sort(),
    resumed,
    replaced,
    warnings,
    seconds: (Date.now() - started) / 1000,
    phases,
  };
}

function tableResult(t: TablePlan, digest: TableDigest, want: { rows: number; hash: string }, action: TableResult['action'], lossy: Set<string>, started: number): TableResult {
  return {
    schema: t.schema, table: t.name, sourceSchema: t.sourceSchema, rows: digest.rows, expectedRows: want.rows,
    hash: digest.hash ? manifestHash(digest.hash) : '', expectedHash: manifestHash(want.hash),
    status: lossy.has(`${t.schema}.${t.name}`) ? 'lossy' : 'ok', action, seconds: (Date.now() - started) / 1000,
  };
}

function tableManifest(manifests: Map<string, SchemaManifest>, t: TablePlan): TableManifest {
  const m = manifests.get(t.sourceSchema)?.tables.find((x) => x.name === t.name);
  if (!m) throw new ImportInternalError(`The DDL plan names ${t.sourceSchema}.${t.name}, which the snapshot does not have.`, { table: `${t.sourceSchema}.${t.name}` });
  return m;
}

/** The plan must cover exactly the snapshot's tables (a collaborator's bug otherwise). */
function checkPlan(plan: DdlPlan, snap: VerifiedSnapshot): void {
  const planned = new Set(plan.tables.map((t) => tableKey(t.sourceSchema, t.name)));
  const wanted = snap.schemas.flatMap((s) => s.tables.map((t) => tableKey(s.name, t.name)));
  const missing = wanted.filter((k) => !planned.has(k));
  if (missing.length || planned.size !== wanted.length) {
    throw new ImportInternalError(`The DDL plan does not cover the snapshot's tables (missing: ${missing.map((k) => k.replace('\u0000', '.')).join(', ') || 'none'}).`, { missing });
  }
}

/** Rows of a table from its Parquet parts, with `~lineage` strings renamed when needed. */
async function* sourceRows(snap: VerifiedSnapshot, t: TablePlan, rewrite: ((row: CValue[]) => CValue[]) | null): RowBatches {
  for (const file of snap.tableFiles.get(tableKey(t.sourceSchema, t.name)) ?? []) {
    // Views: the loaders encode each row into the bulk format and keep nothing.
    for await (const batch of readParquet(file, { views: true })) yield rewrite ? batch.map(rewrite) : batch;
  }
}

function lineageRewrite(m: TableManifest, rename: ReadonlyMap<string, string>): ((row: CValue[]) => CValue[]) | null {
  if (rename.size === 0 || (m.tier !== 'lineage' && m.name !== LINEAGE_TABLE)) return null;
  const i = m.columns.findIndex((c) => c.name === LINEAGE_COLUMN);
  if (i < 0) return null;
  return (row) => {
    const v = row[i];
    if (typeof v !== 'string') return row;
    const out = row.slice();
    out[i] = renameLineage(v, rename);
    return out;
  };
}

async function hashRows(m: TableManifest, rows: RowBatches): Promise<string> {
  const hasher = new TableHasher(shapesOf(m.columns));
  try {
    for await (const batch of rows) for (const row of batch) hasher.add(row);
  } catch (e) {
    await hasher.dispose();
    throw e;
  }
  return manifestHash(await hasher.digest());
}

/** Generated columns are computed by the target; everything else is loaded by name. */
function loadColumns(m: TableManifest, target: Table, plan: TablePlan): LoadColumn[] {
  const byName = new Map(target.columns.map((c) => [c.name, c]));
  const generated = new Set((plan.columns ?? []).filter((c) => c.generated).map((c) => c.name));
  const out: LoadColumn[] = [];
  m.columns.forEach((c, source) => {
    const t = byName.get(c.name);
    if (!t) throw new ImportInternalError(`Column ${c.name} of ${target.schema}.${target.name} was not created.`, { column: c.name });
    if (generated.has(c.name) || isGenerated(t.extra)) return;
    out.push({
      name: c.name, source, where: `${target.schema}.${target.name}.${c.name}`,
      target: { name: t.name, kind: t.kind, dataType: t.dataType, sqlType: t.sqlType, charset: t.charset, fsp: t.fsp },
    });
  });
  return out;
}

function isGenerated(extra: string): boolean {
  return /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(extra) || /^generated stored$/i.test(extra);
}

async function inspectTarget(db: Database, plan: DdlPlan, snap: VerifiedSnapshot, options: ImportOptions): Promise<SchemaState[]> {
  const names = plan.schemas.map((s) => s.name);
  const present = await existingSchemas(db, names);
  const states: SchemaState[] = [];
  const foreign: string[] = [];
  const unfinished: { name: string; same: boolean }[] = [];
  for (const s of plan.schemas) {
    const state: SchemaState = { name: s.name, sourceName: s.sourceName, exists: present.has(s.name), tables: new Set(), created: new Set(), marked: false };
    states.push(state);
    if (!state.exists) continue;
    state.tables = await tablesIn(db, s.name);
    if (state.tables.has(MARKER_TABLE)) {
      const marker = await readMarker(db, s.name);
      state.marked = true;
      state.created = marker.created;
      state.tables.delete(MARKER_TABLE);
      unfinished.push({ name: s.name, same: marker.snapshot === bareHash(snap.pipeline.hash) && marker.sourceSchema === s.sourceName });
    } else {
      const planned = new Set(plan.tables.filter((t) => t.schema === s.name).map((t) => t.name));
      // Without a record, --resume still accepts a schema holding nothing but planned tables:
      // the import finished its tables (their content is checked) but not its clean-up.
      if (!options.resume || [...state.tables].some((t) => !planned.has(t))) foreign.push(s.name);
      else state.created = new Set(state.tables);
    }
  }
  if (options.replace) return states;
  if (unfinished.length && !options.resume) throw new IncompleteImportError(db.displayUrl, unfinished.map((u) => u.name), unfinished.every((u) => u.same));
  const other = unfinished.filter((u) => !u.same);
  if (other.length) throw new IncompleteImportError(db.displayUrl, other.map((u) => u.name), false);
  if (foreign.length) throw new SchemaExistsError(db.displayUrl, foreign);
  return states;
}

async function confirmReplace(schemas: string[], url: string, options: ImportOptions): Promise<void> {
  if (options.yes) return;
  if (!options.confirm) throw new ReplaceNotConfirmedError(schemas, 'no-tty');
  const ok = await options.confirm(`Drop schema${schemas.length === 1 ? '' : 's'} ${schemas.join(', ')} on ${url} with everything in ${schemas.length === 1 ? 'it' : 'them'}, and import the snapshot again?`);
  if (!ok) throw new ReplaceNotConfirmedError(schemas, 'declined');
}

/**
 * Session settings for loading (the connection already runs in UTC with DataJoint's SQL mode);
 * returns what restores the session afterwards.
 */
async function prepareSession(db: Database): Promise<() => Promise<void>> {
  if (db.family !== 'mysql') return async () => {};
  const [{ mode }] = await db.query<{ mode: string }>('SELECT @@SESSION.sql_mode AS mode');
  // An AUTO_INCREMENT column holding 0 must stay 0 instead of drawing the next number.
  await db.execute(`SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO')`);
  return async () => {
    await db.query('SET SESSION sql_mode = ?', [mode]);
  };
}

/**
 * Create what is missing: schemas with their progress record, then tables. PostgreSQL DDL is
 * transactional, so all of it is one transaction there; MySQL commits each statement, so each
 * table's completion is recorded and a table without that record is made again.
 */
async function createAll(db: Database, plan: DdlPlan, states: SchemaState[], snap: VerifiedSnapshot): Promise<void> {
  const stateOf = new Map(states.map((s) => [s.name, s]));
  const transactional = db.family === 'postgres';
  if (transactional) await db.begin();
  try {
    for (const s of plan.schemas) {
      const state = stateOf.get(s.name)!;
      if (!state.exists) for (const sql of s.create) await db.execute(sql);
      if (!state.marked) {
        await db.execute(createMarkerSql(db, s.name));
        await writeMarkerItem(db, s.name, 'snapshot', bareHash(snap.pipeline.hash));
        await writeMarkerItem(db, s.name, 'source-schema', s.sourceName);
        for (const t of state.created) await writeMarkerItem(db, s.name, `created:${t}`, '1');
        state.marked = true;
      }
    }
    for (const t of plan.tables) {
      const state = stateOf.get(t.schema)!;
      if (state.tables.has(t.name) && state.created.has(t.name)) continue;
      if (state.tables.has(t.name)) {
        // Its DDL was cut off half-way (MySQL): make it again. Children created before may
        // reference it by name; MySQL lets it be dropped and re-created under them.
        const drop = `DROP TABLE ${db.quoteIdent(t.schema)}.${db.quoteIdent(t.name)}`;
        if (db.family === 'mysql') {
          await db.execute('SET foreign_key_checks = 0');
          try {
            await db.execute(drop);
          } finally {
            await db.execute('SET foreign_key_checks = 1');
          }
        } else {
          await db.execute(drop);
        }
        state.tables.delete(t.name);
      }
      for (const sql of t.create) await db.execute(sql);
      await writeMarkerItem(db, t.schema, `created:${t.name}`, '1');
      state.created.add(t.name);
    }
    if (transactional) await db.commit();
  } catch (e) {
    if (transactional) await db.rollback().catch(() => undefined);
    throw e;
  }
}
