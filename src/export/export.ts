/**
 * dj-export: a live pipeline → one new commit in a snapshot repository.
 *
 * Order of work, chosen so that nothing is half-written on any failure:
 *   1. check the inputs that need no database (stores file, target directory);
 *   2. connect, open one consistent read (repeatable read) and read the catalog;
 *   3. stream every table into Parquet in a staging area inside the repository, hashing rows
 *      and collecting object references as they pass;
 *   4. copy the referenced store objects, verifying them; stop here if any is missing/corrupt;
 *   5. write manifests, git objects and the tree; commit only if the tree changed.
 * A repository created by this run is removed again if the run fails.
 */
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pipeline, Table } from '../catalog/model.js';
import { readPipeline } from '../catalog/read.js';
import { connect } from '../db/connect.js';
import type { Database, RawValue } from '../db/types.js';
import { InputError } from '../errors/base.js';
import { hashPipeline, hashSchema, TableHasher } from '../hash/index.js';
import { copyObjects, ObjectCollector, type ObjectEntry } from '../objects/copy.js';
import { objectRefOf } from '../objects/references.js';
import { checkStoreLocations, loadStoreConfig, NO_STORES, type StoreConfig } from '../objects/stores.js';
import { parseCodec } from '../catalog/types.js';
import { ParquetStreamWriter, releaseEncoder, type ParquetWriteResult } from '../parquet/writer.js';
import {
  FORMAT_NAME, FORMAT_VERSION, objectLine, schemaManifest, serialize, tableManifest,
  type PipelineManifest, type SchemaManifest, type TableFile, type TableManifest,
} from '../snapshot/manifest.js';
import { OBJECT_LIST, PIPELINE_MANIFEST, SNAPSHOT_README, schemaManifestPath, tableFilePath } from '../snapshot/layout.js';
import { snapshotReadme } from '../snapshot/readme.js';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { normalizerFor } from '../values/normalize.js';
import { selectForExport } from './select.js';
import { SnapshotWriter } from './snapshot-writer.js';
import type { ProgressListener } from './progress.js';
import { currentUser, runRecordMessage, sanitizeArgv } from './run-record.js';
import { TOOL_VERSION } from '../version.js';

export interface ExportOptions {
  /** Connection URL (password from DJ_PASS or a prompt), or an open database. */
  db: string | Database;
  /** Schema names or globs; default: every DataJoint schema. */
  schemas?: string[];
  /** A DataJoint-style stores file, or a parsed configuration. */
  stores?: string | StoreConfig;
  repo: string;
  message?: string;
  includeJobs?: boolean;
  allowMissingObjects?: boolean;
  /** Also write the open view (formats/open.md): decoded blobs and attachments as .npy/JSON/files. */
  open?: boolean;
  /** The command line to record (secrets are masked again here). */
  command?: string[];
  onProgress?: ProgressListener;
  /** Rows per streamed batch (default EXPORT_BATCH_ROWS). */
  batchRows?: number;
  /** Part limit in value bytes (default PART_BYTES); for tests only: another limit changes the tree. */
  partBytes?: number;
}

export interface ExportResult {
  unchanged: boolean;
  commit: string;
  tree: string;
  pipelineHash: string;
  schemas: { name: string; tables: number; rows: number; hash: string }[];
  tables: number;
  rows: number;
  objects: { count: number; bytes: number; missing: number };
  /** Files of the open view (0 without `open`). */
  openFiles: number;
  /** Bytes of all files in the snapshot tree. */
  bytes: number;
  skipped: Pipeline['skipped'];
  warnings: string[];
  missingObjects: { store: string; path: string; problem: string }[];
}

export class MissingObjectsError extends InputError {
  constructor(problems: { store: string; path: string; problem: string }[]) {
    const list = problems.slice(0, 50).map((p) => `  ${p.store}:${p.path}: ${p.problem}`).join('\n');
    super('objects_missing',
      `${problems.length} store object${problems.length === 1 ? ' is' : 's are'} missing or corrupt; nothing was written:\n${list}${problems.length > 50 ? `\n  … and ${problems.length - 50} more` : ''}\nFix the store (or --stores), or pass --allow-missing-objects to record them in the manifest instead.`,
      { problems });
  }
}

export async function exportPipeline(options: ExportOptions): Promise<ExportResult> {
  const progress = options.onProgress ?? (() => {});
  const stores = typeof options.stores === 'string' ? await loadStoreConfig(options.stores)
    : options.stores ?? NO_STORES;
  const writer = await SnapshotWriter.open(options.repo);
  const ownsDb = typeof options.db === 'string';
  let opened: Database | null = null;
  try {
    const db = opened = typeof options.db === 'string' ? await connect(options.db) : options.db;
    await db.beginConsistentSnapshot();
    progress({ type: 'phase', phase: `reading the catalog of ${db.displayUrl}` });
    const pipeline = await readPipeline(db, { schemas: options.schemas, includeJobs: options.includeJobs });
    for (const w of pipeline.warnings) progress({ type: 'warning', message: w });
    const serverVersion = await db.serverVersion();
    await writer.begin();
    const staging = writer.stagingDir;
    const collector = new ObjectCollector(stores);

    const schemaManifests: SchemaManifest[] = [];
    let totalRows = 0;
    // The encoding worker finishes one table's file while the next table is read: for a
    // pipeline of many small tables, that wait was most of the export's time.
    const finished = new Map<Table, TableManifest>();
    let finishing: { table: Table; manifest: Promise<TableManifest> } | null = null;
    for (const schema of pipeline.schemas) {
      for (const table of schema.tables) {
        let manifest: Promise<TableManifest>;
        try {
          ({ manifest } = await exportTable(db, table, staging, collector, progress, options.batchRows ?? EXPORT_BATCH_ROWS, options.partBytes ?? PART_BYTES));
        } catch (e) {
          await finishing?.manifest.catch(() => undefined); // its worker job settles before the staging area goes
          throw e;
        }
        manifest.catch(() => undefined); // awaited below, after the next table is read
        if (finishing) finished.set(finishing.table, await finishing.manifest);
        finishing = { table, manifest };
      }
    }
    if (finishing) finished.set(finishing.table, await finishing.manifest);
    for (const schema of pipeline.schemas) {
      const tables = schema.tables.map((t) => finished.get(t)!);
      const tableHashes = tables.map((t) => ({ name: t.name, hash: t.hash }));
      const manifest = schemaManifest(schema, hashSchema(tableHashes), tables);
      schemaManifests.push(manifest);
      totalRows += tables.reduce((n, t) => n + t.rows, 0);
    }
    // The Parquet encoder's memory is better spent on copying objects and writing git objects.
    await releaseEncoder();

    progress({ type: 'phase', phase: `copying ${collector.size} store objects` });
    await checkStoreLocations(stores, collector.storeNames());
    const copied = await copyObjects(collector, stores, staging,
      (done, bytes) => progress({ type: 'objects', done, total: collector.size, bytes }));
    if (copied.problems.length && !options.allowMissingObjects) throw new MissingObjectsError(copied.problems);

    let openFiles = 0;
    if (options.open) {
      progress({ type: 'phase', phase: 'writing the open view of blobs and attachments' });
      // Loaded only for --open: it brings the Parquet reader (parquet-wasm, Arrow) into this thread.
      const { writeOpenView } = await import('../open/index.js');
      const view = await writeOpenView({
        stagingDir: staging, schemas: schemaManifests, onProgress: progress, defaultStore: stores.defaultStore ?? undefined,
      });
      openFiles = view.files;
      if (view.errors) progress({ type: 'warning', message: `${view.errors} values could not be decoded for the open view; see the errors column of open/<schema>/<table>.parquet` });
    }

    const present = copied.entries.filter((e): e is ObjectEntry & { sha256: string } => !e.missing && e.sha256 !== undefined);
    const pipelineHash = hashPipeline(
      schemaManifests.map((s) => ({ name: s.name, hash: s.hash })),
      present.map((e) => ({ store: e.store, path: e.path, sha256: e.sha256 })),
    );
    const pipelineManifest: PipelineManifest = {
      format: FORMAT_NAME,
      formatVersion: FORMAT_VERSION,
      family: db.family,
      settings: { includeJobs: !!options.includeJobs, open: !!options.open, allowMissingObjects: !!options.allowMissingObjects },
      schemas: schemaManifests.map((s) => ({
        name: s.name, path: schemaManifestPath(s.name), tables: s.tables.length,
        rows: s.tables.reduce((n, t) => n + t.rows, 0), hash: s.hash,
      })),
      objects: {
        path: OBJECT_LIST,
        count: present.length,
        bytes: copied.bytes,
        missing: copied.entries.length - present.length,
        stores: [...new Set(copied.entries.map((e) => e.store))].sort(),
      },
      hash: pipelineHash,
    };
    for (const s of schemaManifests) await writer.writeText(schemaManifestPath(s.name), serialize(s));
    await writer.writeText(OBJECT_LIST, copied.entries.map((e) => objectLine(e) + '\n').join(''));
    await writer.writeText(PIPELINE_MANIFEST, serialize(pipelineManifest));
    await writer.writeText(SNAPSHOT_README, snapshotReadme(pipelineManifest, schemaManifests));

    const generations = [...new Set(pipeline.schemas.map((s) => s.datajoint))].join(', ');
    const subject = options.message ?? `dj-export of ${pipeline.schemas.length} schema${pipeline.schemas.length === 1 ? '' : 's'} (${pipeline.schemas.map((s) => s.name).join(', ')})`.slice(0, 200);
    const message = runRecordMessage(subject, sanitizeArgv(options.command ?? ['dj-export']), {
      tool: `dj-snapshot ${TOOL_VERSION}`,
      formatVersion: FORMAT_VERSION,
      time: new Date().toISOString(),
      user: currentUser(),
      host: os.hostname(),
      source: { url: db.displayUrl, server: serverVersion, family: db.family },
      datajoint: generations,
      pipelineHash,
    });
    progress({ type: 'phase', phase: 'writing git objects' });
    const committed = await writer.commit(message);
    return {
      unchanged: committed.unchanged,
      commit: committed.commit,
      tree: committed.tree,
      pipelineHash,
      schemas: pipelineManifest.schemas.map((s) => ({ name: s.name, tables: s.tables, rows: s.rows, hash: s.hash })),
      tables: schemaManifests.reduce((n, s) => n + s.tables.length, 0),
      rows: totalRows,
      objects: { count: present.length, bytes: copied.bytes, missing: pipelineManifest.objects.missing },
      openFiles,
      bytes: committed.bytes,
      skipped: pipeline.skipped,
      warnings: pipeline.warnings,
      missingObjects: copied.problems,
    };
  } catch (e) {
    await writer.abort();
    throw e;
  } finally {
    // End the read-only snapshot transaction also on a caller's connection.
    await opened?.rollback().catch(() => {});
    if (ownsDb) await opened?.close().catch(() => {});
  }
}

/**
 * Rows read from the database per batch. Rows are handed on one by one, so a batch only sets
 * how many raw rows are held at once: 1,000 rows of 1 KB blobs kept peak RSS ~60 MB lower than
 * 10,000 at the same speed.
 */
export const EXPORT_BATCH_ROWS = 1000;

/**
 * Row digests held in memory per table before a sorted run goes to a temporary file (32 bytes
 * each: 8 MiB). The hasher's default (64 MiB) alone would take a fifth of the export's memory
 * budget on a large table; merging a few more runs at the end costs milliseconds.
 */
const HASH_SPILL_ROWS = 256 * 1024;

/**
 * A part closes after the row group that brings its value bytes to this (formats/parquet.md §4):
 * parts stay under GitHub's 100 MB file limit (64 MiB plus one row group of at most 4 MiB, unless
 * a single row is larger), so a snapshot can be pushed there without LFS or annex.
 */
export const PART_BYTES = 64 * 1024 ** 2;

function shapeOf(table: Table): ColumnShape[] {
  return table.columns.map((c) => {
    const shape: ColumnShape = { name: c.name, kind: c.kind, nullable: c.nullable, djType: c.djType, sqlType: c.sqlType };
    if (c.precision !== undefined) shape.precision = c.precision;
    if (c.scale !== undefined) shape.scale = c.scale;
    if (c.fsp !== undefined) shape.fsp = c.fsp;
    return shape;
  });
}

/**
 * Reads a table's rows into the hasher and the Parquet writer. Returns once every row is read
 * and sent to the encoding worker, with the table's manifest to come once its file is written.
 */
async function exportTable(
  db: Database,
  table: Table,
  staging: string,
  collector: ObjectCollector,
  progress: ProgressListener,
  batchRows: number,
  partBytes: number,
): Promise<{ manifest: Promise<TableManifest> }> {
  const started = Date.now();
  const [{ n }] = await db.query<{ n: RawValue }>(`SELECT COUNT(*) AS n FROM ${db.quoteIdent(table.schema)}.${db.quoteIdent(table.name)}`);
  const expected = Number(n);
  progress({ type: 'table-start', schema: table.schema, table: table.name, totalRows: expected });
  const normalizers = table.columns.map((c) => normalizerFor(db.family, {
    where: `${table.schema}.${table.name}.${c.name}`, kind: c.kind, dataType: c.dataType, scale: c.scale,
  }));
  // Columns whose JSON may name store objects: codecs stored as JSON (not plain `json` attributes).
  const refColumns = table.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.kind === 'json' && c.djType !== null && parseCodec(c.djType) !== null);
  const shapes = shapeOf(table);
  const hasher = new TableHasher(shapes, { spillRows: HASH_SPILL_ROWS });
  let rows = 0;
  const sql = selectForExport(db, table);
  const filePath = path.join(staging, tableFilePath(table.schema, table.name));
  await mkdir(path.dirname(filePath), { recursive: true });
  const writer = new ParquetStreamWriter(filePath, shapes, {
    partPath: (part) => path.join(staging, tableFilePath(table.schema, table.name, part)), maxBytesPerFile: partBytes,
  });
  try {
    // One row array for every row: the hasher and the writer copy what they keep.
    const row: CValue[] = new Array(normalizers.length);
    for await (const raw of db.stream(sql, { batchRows })) {
      for (let r = 0; r < raw.length; r++) {
        const src = raw[r];
        for (let i = 0; i < normalizers.length; i++) row[i] = normalizers[i](src[i]);
        for (const { c, i } of refColumns) {
          const v = row[i];
          if (typeof v === 'string') {
            const ref = objectRefOf(v, c.djType);
            if (ref) collector.add(ref);
          }
        }
        hasher.add(row);
        if (writer.append(row)) await writer.ready();
      }
      rows += raw.length;
      progress({ type: 'table-rows', schema: table.schema, table: table.name, rows, totalRows: expected });
    }
  } catch (e) {
    await writer.abort();
    await hasher.dispose();
    throw e;
  }
  const manifest = (async () => {
    let written: ParquetWriteResult;
    try {
      written = await writer.finish();
      if (rows !== expected) {
        throw new InputError('row_count_changed',
          `${table.schema}.${table.name}: counted ${expected} rows but read ${rows} inside one consistent snapshot; the server does not provide a consistent read here. Retry, or export while the pipeline is idle.`,
          { table: `${table.schema}.${table.name}`, expected, read: rows });
      }
    } catch (e) {
      await writer.abort();
      await hasher.dispose();
      throw e;
    }
    const files: TableFile[] = written.parts.map((p) => ({
      path: path.relative(staging, p.path).split(path.sep).join('/'), rows: p.rows, bytes: p.bytes, sha256: p.sha256,
    }));
    const hash = await hasher.digest();
    progress({ type: 'table-done', schema: table.schema, table: table.name, rows, seconds: (Date.now() - started) / 1000 });
    return tableManifest(table, files, rows, hash);
  })();
  return { manifest };
}

