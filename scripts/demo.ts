/**
 * `npm run demo`: the whole round trip on this machine, with no database server.
 *
 *   1. seed the demo pipeline (src/demo/pipeline.ts: a small real DataJoint 2.x pipeline with
 *      a local file store) into an embedded PGlite database in ./demo-db/pipeline;
 *   2. dj-export it into ./demo-snapshot, a git repository;
 *   3. dj-import that snapshot into a second embedded database, ./demo-db/copy (objects into
 *      ./demo-db/copy-store), which verifies every table's row count and logical hash and
 *      every object against the snapshot;
 *   4. print what happened and what to try next.
 *
 * Re-running: ./demo-db is the demo's scratch space and is recreated on every run (it holds a
 * marker file; a ./demo-db without it is never deleted). ./demo-snapshot is kept, so a second
 * run seeds the same content again and its export reports "unchanged", with no new commit;
 * delete ./demo-snapshot to start the history over.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatBytes, runCli } from '../src/cli/run.js';
import { connect } from '../src/db/connect.js';
import { seedDemo, type DemoResult } from '../src/demo/pipeline.js';
import { EXIT, TargetError } from '../src/errors/base.js';
import { exportPipeline, type ExportResult } from '../src/export/export.js';
import { sameHash } from '../src/import/hash-text.js';
import { importSnapshot, type ImportResult } from '../src/import/import.js';
import { parseStoreConfig } from '../src/objects/stores.js';
import { fileStores } from '../src/serve/datajoint-settings.js';
import { tableFilePath } from '../src/snapshot/layout.js';

export interface DemoPaths {
  /** Scratch space, recreated on every run. */
  dbDir: string;
  /** The snapshot repository, kept between runs. */
  snapshot: string;
}

export function demoPaths(cwd: string): DemoPaths {
  return { dbDir: path.join(cwd, 'demo-db'), snapshot: path.join(cwd, 'demo-snapshot') };
}

const MARKER = '.dj-snapshot-demo';

export class DemoDirError extends TargetError {
  constructor(dir: string) {
    super('demo_dir_foreign',
      `${dir} exists and was not made by the demo (no ${MARKER} file in it), so the demo will not delete it. Move it away, or run the demo in another folder.`,
      { dir });
  }
}

/** Empty ./demo-db if the demo made it (or it is empty), and mark it as the demo's. */
export async function resetDemoDb(dbDir: string): Promise<void> {
  if (existsSync(dbDir)) {
    const entries = await readdir(dbDir);
    if (entries.length > 0 && !entries.includes(MARKER)) throw new DemoDirError(dbDir);
    await rm(dbDir, { recursive: true, force: true });
  }
  await mkdir(dbDir, { recursive: true });
  await writeFile(path.join(dbDir, MARKER), 'Scratch space of `npm run demo` (dj-snapshot); recreated on every run.\n');
}

export interface DemoRun {
  paths: DemoPaths;
  seeded: DemoResult;
  exported: ExportResult;
  imported: ImportResult;
  /** Store-object files written by the seeding (the source store). */
  sourceStore: string;
}

/** Steps 1-2: seed the demo into `pglite:<dbDir>/pipeline` and export it into the snapshot repository. */
export async function seedAndExport(paths: DemoPaths, command: string[] = ['npm', 'run', 'demo']): Promise<{ seeded: DemoResult; exported: ExportResult; sourceStore: string }> {
  const sourceStore = path.join(paths.dbDir, 'store');
  const db = await connect(`pglite:${path.join(paths.dbDir, 'pipeline')}`);
  try {
    const seeded = await seedDemo(db, { storeRoot: sourceStore });
    const exported = await exportPipeline({
      db,
      stores: parseStoreConfig(seeded.stores, paths.dbDir, 'demo stores'),
      repo: paths.snapshot,
      message: `Demo pipeline ${seeded.schemas.join(', ')} (npm run demo)`,
      command,
    });
    return { seeded, exported, sourceStore };
  } finally {
    await db.close();
  }
}

/** Step 3: import the snapshot into `pglite:<dbDir>/copy`, objects into `<dbDir>/copy-store`; verified on the way. */
export async function importCopy(paths: DemoPaths, storeNames: readonly string[]): Promise<ImportResult> {
  const stores = fileStores(path.join(paths.dbDir, 'copy-store'), storeNames);
  return importSnapshot({
    snapshot: paths.snapshot,
    db: `pglite:${path.join(paths.dbDir, 'copy')}`,
    stores: parseStoreConfig(stores, paths.dbDir, 'demo copy stores'),
  });
}

export class DemoVerificationError extends TargetError {
  constructor(problem: string) {
    super('demo_mismatch', `The demo's copy does not match its snapshot: ${problem}. This is a bug in dj-snapshot; please report it.`, {});
  }
}

/** Step 3's check, stated once more for the reader: every table ok, the pipeline hash the snapshot's. */
export function checkCopy(exported: ExportResult, imported: ImportResult): void {
  const bad = imported.tables.filter((t) => t.status !== 'ok');
  if (bad.length) throw new DemoVerificationError(`tables ${bad.map((t) => `${t.schema}.${t.table}`).join(', ')} differ`);
  if (!sameHash(imported.target.pipelineHash, exported.pipelineHash)) {
    throw new DemoVerificationError(`pipeline hash ${imported.target.pipelineHash}, snapshot ${exported.pipelineHash}`);
  }
  if (imported.objects.count !== exported.objects.count) {
    throw new DemoVerificationError(`${imported.objects.count} objects imported, ${exported.objects.count} exported`);
  }
}

export async function runDemo(cwd: string): Promise<DemoRun> {
  const paths = demoPaths(cwd);
  await resetDemoDb(paths.dbDir);
  const { seeded, exported, sourceStore } = await seedAndExport(paths);
  const storeNames = Object.keys(seeded.stores).filter((k) => k !== 'default');
  const imported = await importCopy(paths, storeNames);
  checkCopy(exported, imported);
  return { paths, seeded, exported, imported, sourceStore };
}

/** How to start dj-serve from `cwd`: this checkout's bin script when there is one. */
function servePrefix(cwd: string): string {
  const bin = fileURLToPath(new URL('../../bin/dj-serve.js', import.meta.url));
  if (!existsSync(bin)) return 'dj-serve';
  const rel = path.relative(cwd, bin);
  return `node ${rel.startsWith('.') ? rel : `./${rel}`}`;
}

export function report(run: DemoRun, cwd: string): string {
  const { exported: e, imported: i, seeded } = run;
  const rel = (p: string) => `./${path.relative(cwd, p).split(path.sep).join('/')}`;
  const schema = seeded.schemas[0];
  const subject = `${rel(run.paths.snapshot)}/${tableFilePath(schema, 'subject')}`;
  const session = `${rel(run.paths.snapshot)}/${tableFilePath(schema, 'session')}`;
  const lines = [
    `1. seeded    ${schema} into an embedded PGlite database (${rel(path.join(run.paths.dbDir, 'pipeline'))}), store files in ${rel(run.sourceStore)}`,
    `2. exported  ${rel(run.paths.snapshot)}: ${e.unchanged ? `unchanged, identical to commit ${e.commit.slice(0, 12)} (no new commit)` : `commit ${e.commit.slice(0, 12)}`}`,
    `              ${e.tables} tables, ${e.rows} rows, ${e.objects.count} objects (${formatBytes(e.objects.bytes)}), ${formatBytes(e.bytes)} of files`,
    `              pipeline hash ${e.pipelineHash}`,
    `3. imported  into a second PGlite database (${rel(path.join(run.paths.dbDir, 'copy'))}), objects in ${rel(path.join(run.paths.dbDir, 'copy-store'))}`,
    `              verified: ${i.tables.length} tables with the same row counts and logical hashes, ${i.objects.count} objects with the same sha256`,
    `              pipeline hash ${i.target.pipelineHash} (same as the snapshot)`,
    '',
    'Tables:',
    ...e.schemas.flatMap((s) => i.tables.filter((t) => t.schema === s.name).map((t) => `  ${t.schema}.${t.table.padEnd(24)} ${String(t.rows).padStart(4)} rows`)),
    '',
    'Try next:',
    `  # read a table with pandas or DuckDB (plain Parquet files, no DataJoint needed)`,
    `  python -c "import pandas as pd; print(pd.read_parquet('${subject}'))"`,
    `  duckdb -c "SELECT subject_id, session_idx, session_date FROM '${session}'"`,
    `  # the history: one commit per export that changed something`,
    `  git -C ${rel(run.paths.snapshot)} log --stat`,
    `  # serve the snapshot to DataJoint (PostgreSQL protocol on 127.0.0.1:5432, no server needed)`,
    `  ${servePrefix(cwd)} ${rel(run.paths.snapshot)}`,
    `  # snapshot your own pipeline (password from DJ_PASS or a prompt)`,
    `  dj-export --db mysql://USER@HOST:3306 --repo my-snapshot --stores datajoint-stores.json`,
    `  dj-export --db postgres://USER@HOST:5432/postgres --repo my-snapshot`,
    '',
    `Run it again: ${rel(run.paths.dbDir)} is recreated and the export reports "unchanged". Delete ${rel(run.paths.snapshot)} to start over.`,
  ];
  return lines.join('\n') + '\n';
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  await runCli(false, async () => {
    const cwd = process.cwd();
    process.stdout.write('dj-snapshot demo: seed a DataJoint pipeline into an embedded database, snapshot it, rebuild it, verify.\n\n');
    const run = await runDemo(cwd);
    process.stdout.write(report(run, cwd));
    return EXIT.ok;
  });
}
