/**
 * Verify a snapshot completely before anything in the target is touched (design invariant 5):
 * manifests valid against the JSON Schemas, a format version we read, every Parquet file and
 * object present with its size and sha256, the Parquet schemas as the manifest says, and the
 * logical content hashes recomputed from the Parquet rows equal to the manifests' (table,
 * schema, pipeline). Every problem is collected so one run names every bad file.
 */
import { type Column } from '../catalog/model.js';
import { hashPipeline, hashSchema, TableHasher } from '../hash/index.js';
import type { ObjectEntry } from '../objects/copy.js';
import { BatchDigester } from '../parquet/batch-digest.js';
import { openParquet } from '../parquet/reader.js';
import { DigestPool, type Digested } from './digest-pool.js';
import { OBJECT_LIST, objectPath, PIPELINE_MANIFEST, schemaManifestPath, tableFilePath } from '../snapshot/layout.js';
import { FORMAT_NAME, FORMAT_VERSION, type PipelineManifest, type SchemaManifest, type TableManifest } from '../snapshot/manifest.js';
import { checkManifest } from './manifest-validation.js';
import type { ProgressListener } from '../export/progress.js';
import { SnapshotInvalidError, UnsupportedFormatError, type SnapshotProblem } from './errors.js';
import { bareHash, manifestHash, sameHash } from './hash-text.js';
import { shapesOf } from './shapes.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { sha256File, type SnapshotFiles } from './source.js';

/** A line of objects.jsonl: what the exporter recorded of one store object. */
export type ObjectLine = ObjectEntry;

export interface PresentObject extends ObjectLine {
  size: number;
  sha256: string;
  /** Local file with the object's bytes. */
  local: string;
}

export interface VerifiedSnapshot {
  files: SnapshotFiles;
  pipeline: PipelineManifest;
  schemas: SchemaManifest[];
  objects: PresentObject[];
  /** Objects recorded as missing at export (`--allow-missing-objects`). */
  missingObjects: ObjectLine[];
  /** Local files of each table's Parquet parts, keyed `schema\0table`. */
  tableFiles: Map<string, string[]>;
  bytes: number;
}

export const tableKey = (schema: string, table: string): string => `${schema}\u0000${table}`;

function parseJson(text: string, file: string, problems: SnapshotProblem[]): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    problems.push({ file, problem: `not valid JSON (${(e as Error).message})` });
    return undefined;
  }
}

/** A stored relative path that stays inside its store root. */
export function safeObjectPath(p: string): boolean {
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\0'));
}

export interface VerifyOptions {
  /** Files of at least this many bytes are digested in worker threads (default POOL_FROM_BYTES). */
  poolFromBytes?: number;
}

export async function verifySnapshot(files: SnapshotFiles, workDir: string, progress: ProgressListener = () => {}, options: VerifyOptions = {}): Promise<VerifiedSnapshot> {
  const problems: SnapshotProblem[] = [];
  const fail = (): never => {
    throw new SnapshotInvalidError(files.label, problems);
  };
  const present = files.paths();

  // 1. The pipeline manifest: what format, which version, valid.
  if (!present.has(PIPELINE_MANIFEST)) {
    problems.push({ file: PIPELINE_MANIFEST, problem: 'missing: this is not a dj-snapshot (no dj-snapshot.json at its top)' });
    fail();
  }
  const pipelineValue = parseJson(await files.readText(PIPELINE_MANIFEST), PIPELINE_MANIFEST, problems);
  if (problems.length) fail();
  const head = (pipelineValue ?? {}) as { format?: unknown; formatVersion?: unknown };
  if (head.format !== FORMAT_NAME) {
    problems.push({ file: PIPELINE_MANIFEST, problem: `"format" is ${JSON.stringify(head.format)}, not "${FORMAT_NAME}"` });
    fail();
  }
  if (head.formatVersion !== FORMAT_VERSION) throw new UnsupportedFormatError(files.label, head.formatVersion, FORMAT_VERSION);
  for (const p of checkManifest('pipeline', pipelineValue, PIPELINE_MANIFEST)) problems.push({ file: PIPELINE_MANIFEST, problem: p.slice(PIPELINE_MANIFEST.length + 2) });
  if (problems.length) fail();
  const pipeline = pipelineValue as PipelineManifest;

  // 2. Schema manifests.
  const schemas: SchemaManifest[] = [];
  const seen = new Set<string>();
  for (const entry of pipeline.schemas) {
    if (seen.has(entry.name)) problems.push({ file: PIPELINE_MANIFEST, problem: `schema "${entry.name}" is listed twice` });
    seen.add(entry.name);
    if (entry.path !== schemaManifestPath(entry.name)) {
      problems.push({ file: PIPELINE_MANIFEST, problem: `schema "${entry.name}" has path ${entry.path}, expected ${schemaManifestPath(entry.name)}` });
      continue;
    }
    if (!present.has(entry.path)) {
      problems.push({ file: entry.path, problem: 'missing' });
      continue;
    }
    const value = parseJson(await files.readText(entry.path), entry.path, problems);
    if (value === undefined) continue;
    const invalid = checkManifest('schema', value, entry.path);
    if (invalid.length) {
      for (const p of invalid) problems.push({ file: entry.path, problem: p.slice(entry.path.length + 2) });
      continue;
    }
    const schema = value as SchemaManifest;
    if (schema.name !== entry.name) problems.push({ file: entry.path, problem: `names schema "${schema.name}", the pipeline manifest "${entry.name}"` });
    if (schema.tables.length !== entry.tables) problems.push({ file: entry.path, problem: `has ${schema.tables.length} tables, the pipeline manifest says ${entry.tables}` });
    const rows = schema.tables.reduce((n, t) => n + t.rows, 0);
    if (rows !== entry.rows) problems.push({ file: entry.path, problem: `has ${rows} rows in all, the pipeline manifest says ${entry.rows}` });
    if (!sameHash(schema.hash, entry.hash)) problems.push({ file: entry.path, problem: `hash ${schema.hash} differs from the pipeline manifest's ${entry.hash}` });
    schemas.push(schema);
  }

  // Workers for large files start now, while the object list is read.
  const poolFrom = options.poolFromBytes ?? POOL_FROM_BYTES;
  const pool = new DigestPool();
  if (schemas.some((schema) => schema.tables.some((t) => t.files.some((f) => f.bytes >= poolFrom)))) pool.prestartForParquet();
  const tableFiles = new Map<string, string[]>();
  const schemaHashes: { name: string; hash: string }[] = [];
  let bytes = 0;
  let lines: ObjectLine[] = [];
  try {
    // 3. The object list.
    lines = await readObjectList(files, pipeline, problems);
    if (problems.length) fail();

    // 4. Parquet files: present, sha256, schema, logical hash.
    // Tables are verified a few at a time: a small table's check is mostly waiting on file reads.
    const jobs = schemas.flatMap((schema) => schema.tables.map((table, i) => ({ schema, table, first: i === 0 })));
    const checked = await mapConcurrently(jobs, TABLES_AT_ONCE, async ({ schema, table, first }) => {
      if (first) progress({ type: 'phase', phase: `verifying schema ${schema.name} (${schema.tables.length} tables)` });
      // Each table's own list, merged below in manifest order whatever order the tables finish in.
      const found: SnapshotProblem[] = [];
      return { ok: await verifyTable(files, workDir, schema.name, table, found, { pool, poolFrom }), found };
    });
    for (const { found } of checked) problems.push(...found);
    let j = 0;
    for (const schema of schemas) {
      const tableHashes: { name: string; hash: string }[] = [];
      for (const table of schema.tables) {
        const { ok } = checked[j++];
        if (ok) {
          tableFiles.set(tableKey(schema.name, table.name), ok.locals);
          bytes += ok.bytes;
          tableHashes.push({ name: table.name, hash: bareHash(ok.hash) });
        } else {
          tableHashes.push({ name: table.name, hash: bareHash(table.hash) });
        }
      }
      const hash = manifestHash(hashSchema(tableHashes));
      if (!sameHash(hash, schema.hash)) problems.push({ file: schemaManifestPath(schema.name), problem: `schema hash recomputed from the tables is ${hash}, the manifest says ${schema.hash}` });
      schemaHashes.push({ name: schema.name, hash: bareHash(hash) });
    }
  } finally {
    await pool.close();
  }

  // 5. Objects: present with size and sha256.
  const objects: PresentObject[] = [];
  const presentLines = lines.filter((l): l is ObjectLine & { size: number; sha256: string } => !l.missing);
  if (presentLines.length) progress({ type: 'phase', phase: `verifying ${presentLines.length} objects` });
  let done = 0;
  let objectBytes = 0;
  for (const line of presentLines) {
    const file = objectPath(line.store, line.path);
    if (!present.has(file)) {
      problems.push({ file, problem: 'missing' });
      continue;
    }
    const local = await files.localPath(file, workDir);
    const actual = await sha256File(local);
    if (actual.size !== line.size) problems.push({ file, problem: `${actual.size} bytes, ${OBJECT_LIST} says ${line.size}` });
    else if (actual.sha256 !== line.sha256) problems.push({ file, problem: `sha256 ${actual.sha256}, ${OBJECT_LIST} says ${line.sha256}` });
    else objects.push({ ...line, local });
    objectBytes += actual.size;
    progress({ type: 'objects', done: ++done, total: presentLines.length, bytes: objectBytes });
  }

  const pipelineHash = manifestHash(hashPipeline(schemaHashes, presentLines.map((l) => ({ store: l.store, path: l.path, sha256: l.sha256 }))));
  if (!sameHash(pipelineHash, pipeline.hash)) problems.push({ file: PIPELINE_MANIFEST, problem: `pipeline hash recomputed from the content is ${pipelineHash}, the manifest says ${pipeline.hash}` });
  if (problems.length) fail();
  return { files, pipeline, schemas, objects, missingObjects: lines.filter((l) => l.missing), tableFiles, bytes: bytes + objectBytes };
}

/** The lines of objects.jsonl, each valid and inside its store; their totals checked against the manifest. */
async function readObjectList(files: SnapshotFiles, pipeline: PipelineManifest, problems: SnapshotProblem[]): Promise<ObjectLine[]> {
  const lines: ObjectLine[] = [];
  if (!files.paths().has(OBJECT_LIST)) {
    problems.push({ file: OBJECT_LIST, problem: 'missing' });
  } else {
    const text = await files.readText(OBJECT_LIST);
    const raw = text.split('\n');
    if (raw[raw.length - 1] === '') raw.pop();
    raw.forEach((line, i) => {
      const where = `${OBJECT_LIST} line ${i + 1}`;
      const value = parseJson(line, where, problems);
      if (value === undefined) return;
      const invalid = checkManifest('object', value, where);
      if (invalid.length) {
        for (const p of invalid) problems.push({ file: where, problem: p.slice(where.length + 2) });
        return;
      }
      const o = value as ObjectLine;
      if (!safeObjectPath(o.path)) problems.push({ file: where, problem: `path ${JSON.stringify(o.path)} leaves the store root` });
      else lines.push(o);
    });
    const presentLines = lines.filter((l) => !l.missing);
    if (presentLines.length !== pipeline.objects.count) problems.push({ file: OBJECT_LIST, problem: `lists ${presentLines.length} objects, the pipeline manifest says ${pipeline.objects.count}` });
    const missingCount = lines.length - presentLines.length;
    if (missingCount !== pipeline.objects.missing) problems.push({ file: OBJECT_LIST, problem: `lists ${missingCount} missing objects, the pipeline manifest says ${pipeline.objects.missing}` });
    const listed = presentLines.reduce((n, l) => n + (l.size ?? 0), 0);
    if (listed !== pipeline.objects.bytes) problems.push({ file: OBJECT_LIST, problem: `sizes add up to ${listed} bytes, the pipeline manifest says ${pipeline.objects.bytes}` });
    const stores = [...new Set(lines.map((l) => l.store))].sort();
    if (stores.join('\u0000') !== [...pipeline.objects.stores].sort().join('\u0000')) {
      problems.push({ file: OBJECT_LIST, problem: `names stores ${stores.join(', ') || '(none)'}, the pipeline manifest ${pipeline.objects.stores.join(', ') || '(none)'}` });
    }
  }
  return lines;
}

/** Checks one table's files and recomputes its hash; null when a file problem stops that. */
async function verifyTable(files: SnapshotFiles, workDir: string, schema: string, table: TableManifest, problems: SnapshotProblem[], parallel: Parallel): Promise<{ locals: string[]; bytes: number; hash: string } | null> {
  const where = `${schema}.${table.name}`;
  const present = files.paths();
  const before = problems.length;
  const locals: string[] = [];
  let bytes = 0;
  const expectedPaths = table.files.length === 1 && table.files[0].path === tableFilePath(schema, table.name)
    ? [tableFilePath(schema, table.name)]
    : table.files.map((_, i) => tableFilePath(schema, table.name, i));
  table.files.forEach((f, i) => {
    if (f.path !== expectedPaths[i]) problems.push({ file: schemaManifestPath(schema), problem: `table ${table.name} names file ${f.path}, expected ${expectedPaths[i]}` });
  });
  if (problems.length > before) return null;
  const fileRows = table.files.reduce((n, f) => n + f.rows, 0);
  if (fileRows !== table.rows) problems.push({ file: schemaManifestPath(schema), problem: `table ${table.name} has ${table.rows} rows, its files ${fileRows}` });
  const missing = table.files.filter((f) => !present.has(f.path));
  for (const f of missing) problems.push({ file: f.path, problem: 'missing' });
  if (missing.length) return null;
  for (const f of table.files) locals.push(await files.localPath(f.path, workDir));

  // The files' SHA-256 and the rows' hash are computed at the same time (the rows mostly in
  // worker threads); what the rows say only counts when the files are the ones recorded.
  const rowProblems: SnapshotProblem[] = [];
  const [actuals, rows] = await Promise.all([
    Promise.all(locals.map((l) => sha256File(l))),
    hashParquetFiles(table, locals, rowProblems, parallel),
  ]);
  table.files.forEach((f, i) => {
    const actual = actuals[i];
    if (actual.size !== f.bytes) problems.push({ file: f.path, problem: `${actual.size} bytes, the manifest says ${f.bytes}` });
    else if (actual.sha256 !== f.sha256) problems.push({ file: f.path, problem: `sha256 ${actual.sha256}, the manifest says ${f.sha256}` });
    bytes += actual.size;
  });
  if (problems.length > before) return null;
  problems.push(...rowProblems);
  if (rows === null) return null;
  if (!sameHash(rows.hash, table.hash)) problems.push({ file: table.files[0]?.path ?? schemaManifestPath(schema), problem: `${where}: logical hash recomputed from the rows is ${rows.hash}, the manifest says ${table.hash}` });
  return { locals, bytes, hash: rows.hash };
}

/** Tables verified at the same time (the large ones share the worker pool). */
const TABLES_AT_ONCE = 4;

/**
 * Files of at least this many bytes are digested by the worker pool, in tasks of
 * GROUPS_PER_TASK row groups (up to 4 MiB of values each); smaller ones here, where starting
 * a worker (~0.2 s) would cost more than it saves.
 */
export const POOL_FROM_BYTES = 16 * 1024 * 1024;
const GROUPS_PER_TASK = 8;

interface Parallel {
  pool: DigestPool;
  poolFrom: number;
}

/** Hash a table's Parquet parts (schema checked against the manifest); null after a problem. */
async function hashParquetFiles(table: TableManifest, locals: readonly string[], problems: SnapshotProblem[], { pool, poolFrom }: Parallel): Promise<{ hash: string; rows: number } | null> {
  const shapes = shapesOf(table.columns);
  const hasher = new TableHasher(shapes);
  const digester = new BatchDigester(shapes);
  let scratch = new Uint8Array(0);
  let digested = false;
  try {
    let rows = 0;
    for (let i = 0; i < table.files.length; i++) {
      const f = table.files[i];
      try {
        const file = await openParquet(locals[i]);
        let n = 0;
        try {
          const mismatch = columnMismatch(table.columns, file.columns);
          if (mismatch) {
            problems.push({ file: f.path, problem: mismatch });
            return null;
          }
          if (f.bytes >= poolFrom && file.rowGroups > 0) {
            n = await digestInPool(pool, locals[i], shapes, file.rowGroups, hasher);
          } else {
            await file.forEachBatch((batch) => {
              if (scratch.length < 32 * batch.numRows) scratch = new Uint8Array(32 * batch.numRows);
              digester.digestBatch(batch, scratch, 0);
              hasher.addDigests(scratch.subarray(0, 32 * batch.numRows));
              n += batch.numRows;
            });
          }
        } finally {
          await file.close();
        }
        if (n !== f.rows) problems.push({ file: f.path, problem: `holds ${n} rows, the manifest says ${f.rows}` });
        rows += n;
      } catch (e) {
        problems.push({ file: f.path, problem: `unreadable: ${(e as Error).message}` });
        return null;
      }
    }
    digested = true;
    return { hash: manifestHash(await hasher.digest()), rows };
  } finally {
    if (!digested) await hasher.dispose();
  }
}

/** Digests all row groups of a file in the pool into `hasher`, GROUPS_PER_TASK per task; the rows read. */
function digestInPool(pool: DigestPool, file: string, shapes: ReturnType<typeof shapesOf>, rowGroups: number, hasher: TableHasher): Promise<number> {
  function* tasks(): Generator<() => Promise<Digested>> {
    for (let g = 0; g < rowGroups; g += GROUPS_PER_TASK) {
      const groups = Array.from({ length: Math.min(GROUPS_PER_TASK, rowGroups - g) }, (_, k) => g + k);
      yield () => pool.digest(file, shapes, groups);
    }
  }
  return pool.digestInto(hasher, tasks());
}

function columnMismatch(columns: readonly Column[], file: readonly { name: string; kind: string }[]): string | null {
  if (columns.length !== file.length) return `has ${file.length} columns, the manifest ${columns.length}`;
  for (let i = 0; i < columns.length; i++) {
    if (columns[i].name !== file[i].name || columns[i].kind !== file[i].kind) {
      return `column ${i + 1} is ${file[i].name} (${file[i].kind}), the manifest says ${columns[i].name} (${columns[i].kind})`;
    }
  }
  return null;
}
