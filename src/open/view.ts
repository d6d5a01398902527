/**
 * Writes the open view of a staged snapshot (formats/open.md): every `<blob>`, `<blob@store>`,
 * `<attach>` and `<attach@store>` value decoded into files any tool reads (`.npy`, JSON, the
 * attachment itself) under `open/<schema>/<table>/<key path>/`, and per table an index Parquet
 * that maps each primary key to its files.
 *
 * Derived data only: it reads the staged table files and objects, never the database, and
 * nothing in the tables, objects, manifests or content hashes depends on it. A value that does
 * not decode gets no file and its error in the index; the export goes on.
 *
 * Memory: rows stream from the table files one batch at a time, and only the value being
 * written is decoded. Time: mostly the file system's (one folder per row, one file per value).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProgressListener } from '../export/progress.js';
import { readParquet } from '../parquet/reader.js';
import { writeParquet } from '../parquet/writer.js';
import { escapeName, objectPath, unescapeName } from '../snapshot/layout.js';
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import type { ColumnShape, CValue } from '../values/kinds.js';
import { openAttributes, type OpenAttribute } from './attributes.js';
import { isTextKind, keyText } from './key-text.js';
import { OPEN_DIR, openIndexPath, openRowDir } from './layout.js';
import { renderOpenValue, type RenderedValue } from './render.js';
import { type ObjectReader, openValueOf } from './stored-value.js';

export interface OpenViewOptions {
  /** The snapshot's staging directory: tables and objects are already there. */
  stagingDir: string;
  schemas: SchemaManifest[];
  onProgress?: ProgressListener;
  /**
   * The store that metadata with an empty or null `store` means. Default: the one store folder
   * under `objects/` that holds the object's path.
   */
  defaultStore?: string;
}

export interface OpenViewResult {
  /** Files written under `open/`, index files included. */
  files: number;
  bytes: number;
  /** Tables with an index (at least one open file or error). */
  tables: number;
  /** Values that could not be shown (their errors are in the index). */
  errors: number;
  /** Tables with open attributes that got no open view, and why. */
  skipped: { schema: string; table: string; reason: string }[];
}

/** Name of the index column holding, as JSON, the errors of a row's values (formats/open.md §6). */
export const ERRORS_COLUMN = '_errors';

/** Files up to this size are written synchronously (see FileSink). */
const SYNC_WRITE_MAX = 1024 * 1024;

/**
 * Writes files below a root, creating each folder once. Small files are written synchronously:
 * the open view is mostly many small files, and for those the thread-pool round trip of async
 * writes costs more than the write itself (measured: about twice the system time). Large files
 * go through the async API so the event loop stays free while they are written.
 */
class FileSink {
  private readonly dirs = new Set<string>();
  files = 0;
  bytes = 0;

  constructor(private readonly root: string) {}

  async write(rel: string, bytes: Uint8Array): Promise<void> {
    const full = path.join(this.root, ...rel.split('/'));
    const dir = path.dirname(full);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    if (bytes.byteLength <= SYNC_WRITE_MAX) writeFileSync(full, bytes);
    else await writeFile(full, bytes);
    this.files++;
    this.bytes += bytes.byteLength;
  }
}

/** Objects of the staged snapshot, at `objects/<store>/<path>`. */
class StagedObjects implements ObjectReader {
  private storeDirs: string[] | null = null;

  constructor(private readonly stagingDir: string, private readonly defaultStore: string | undefined) {}

  private file(store: string, relative: string): string {
    return path.join(this.stagingDir, ...objectPath(store, relative).split('/'));
  }

  private async stores(): Promise<string[]> {
    this.storeDirs ??= (await readdir(path.join(this.stagingDir, 'objects'), { withFileTypes: true }).catch(() => []))
      .filter((d) => d.isDirectory()).map((d) => unescapeName(d.name)).sort();
    return this.storeDirs;
  }

  async read(store: string | null, relative: string): Promise<Uint8Array | { missing: string }> {
    let name = store || this.defaultStore;
    if (!name) {
      const holding: string[] = [];
      for (const s of await this.stores()) if (await stat(this.file(s, relative)).then((st) => st.isFile(), () => false)) holding.push(s);
      if (holding.length > 1) return { missing: `the metadata names the default store, and stores ${holding.join(', ')} all hold ${relative}` };
      if (holding.length === 0) return { missing: `object ${relative} (default store) is not in the snapshot` };
      name = holding[0];
    }
    try {
      return await readFile(this.file(name, relative));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { missing: code === 'ENOENT' ? `object ${name}:${relative} is not in the snapshot` : `object ${name}:${relative} cannot be read (${(e as Error).message})` };
    }
  }
}

function shapeOf(c: TableManifest['columns'][number]): ColumnShape {
  const s: ColumnShape = { name: c.name, kind: c.kind, nullable: c.nullable, djType: c.djType, sqlType: c.sqlType };
  if (c.precision !== undefined) s.precision = c.precision;
  if (c.scale !== undefined) s.scale = c.scale;
  if (c.fsp !== undefined) s.fsp = c.fsp;
  return s;
}

/** The index's columns: the primary key as in the table, one path per open attribute, the errors. */
export function openIndexShapes(table: TableManifest, attributes: readonly OpenAttribute[]): ColumnShape[] {
  const key = table.primaryKey.map((name) => shapeOf(table.columns.find((c) => c.name === name)!));
  return [
    ...key,
    ...attributes.map((a): ColumnShape => ({ name: a.column.name, kind: 'string', nullable: true, djType: null, sqlType: 'varchar' })),
    { name: ERRORS_COLUMN, kind: 'json', nullable: true, djType: null, sqlType: 'json' },
  ];
}

/** Why a table with open attributes cannot have an open view, or null. */
function unsupported(table: TableManifest): string | null {
  if (table.primaryKey.length === 0) return 'the table has no primary key to name its rows by';
  if (table.primaryKey.some((k) => !table.columns.some((c) => c.name === k))) return 'the primary key names a column the table does not have';
  if (table.columns.some((c) => c.name === ERRORS_COLUMN)) return `the table has a column named ${ERRORS_COLUMN}, the index's error column`;
  if (escapeName(table.name).endsWith('.parquet')) return 'the table\'s name ends in .parquet, which the index file of another table could have';
  return null;
}

export async function writeOpenView(options: OpenViewOptions): Promise<OpenViewResult> {
  const progress = options.onProgress ?? (() => {});
  const sink = new FileSink(options.stagingDir);
  const objects = new StagedObjects(options.stagingDir, options.defaultStore);
  const result: OpenViewResult = { files: 0, bytes: 0, tables: 0, errors: 0, skipped: [] };

  for (const schema of options.schemas) {
    for (const table of schema.tables) {
      const attributes = openAttributes(table, schema.datajoint);
      if (attributes.length === 0) continue;
      const why = unsupported(table);
      if (why) {
        result.skipped.push({ schema: schema.name, table: table.name, reason: why });
        progress({ type: 'warning', message: `no open view for ${schema.name}.${table.name}: ${why}` });
        continue;
      }
      const written = await writeTable(options.stagingDir, schema.name, table, attributes, sink, objects, progress);
      result.errors += written.errors;
      if (written.indexBytes !== null) {
        result.tables++;
        result.files++;
        result.bytes += written.indexBytes;
      }
    }
  }
  result.files += sink.files;
  result.bytes += sink.bytes;
  return result;
}

async function writeTable(
  stagingDir: string,
  schema: string,
  table: TableManifest,
  attributes: readonly OpenAttribute[],
  sink: FileSink,
  objects: ObjectReader,
  progress: ProgressListener,
): Promise<{ indexBytes: number | null; errors: number }> {
  const started = Date.now();
  progress({ type: 'table-start', schema, table: table.name, totalRows: table.rows });
  const keyColumns = table.primaryKey.map((name) => {
    const index = table.columns.findIndex((c) => c.name === name);
    return { name, index, kind: table.columns[index].kind };
  });
  let shown = 0;
  let errors = 0;
  let rowsDone = 0;

  async function* indexRows(): AsyncIterable<CValue[][]> {
    for (const file of table.files) {
      for await (const batch of readParquet(path.join(stagingDir, ...file.path.split('/')))) {
        const out: CValue[][] = new Array(batch.length);
        for (let r = 0; r < batch.length; r++) {
          const row = batch[r];
          const key = keyColumns.map((k) => row[k.index]);
          const rowDir = openRowDir(schema, table.name, keyColumns.map((k, i) => ({ attribute: k.name, text: keyText(k.kind, key[i]), textual: isTextKind(k.kind) })));
          const paths: (string | null)[] = [];
          const problems: [string, string][] = [];
          for (const a of attributes) {
            const rendered = await renderSafely(a, row[a.index], rowDir, objects);
            for (const f of rendered.files) await sink.write(f.path, f.bytes);
            paths.push(rendered.main);
            if (rendered.main !== null) shown++;
            if (rendered.error !== null) problems.push([a.column.name, rendered.error]);
          }
          errors += problems.length;
          out[r] = [...key, ...paths, problems.length ? JSON.stringify(Object.fromEntries(problems)) : null];
        }
        rowsDone += batch.length;
        progress({ type: 'table-rows', schema, table: table.name, rows: rowsDone, totalRows: table.rows });
        yield out;
      }
    }
  }

  const indexFile = path.join(stagingDir, ...openIndexPath(schema, table.name).split('/'));
  await mkdir(path.dirname(indexFile), { recursive: true });
  const written = await writeParquet(indexFile, openIndexShapes(table, attributes), indexRows());
  progress({ type: 'table-done', schema, table: table.name, rows: rowsDone, seconds: (Date.now() - started) / 1000 });
  if (shown === 0 && errors === 0) {
    // Only NULLs: no open view for this table, so no index either.
    await unlink(indexFile);
    await removeEmptyDirs(stagingDir, path.dirname(indexFile));
    return { indexBytes: null, errors };
  }
  return { indexBytes: written.bytes, errors };
}

/** The files of one value; a value that cannot be rendered becomes an error, never a failed export. */
async function renderSafely(a: OpenAttribute, stored: CValue, rowDir: string, objects: ObjectReader): Promise<RenderedValue> {
  try {
    return renderOpenValue(await openValueOf(a.how, stored, objects), rowDir, a.column.name);
  } catch (e) {
    return { main: null, files: [], error: `cannot be written as an open file: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Removes `dir` and its parents up to `open/` while they are empty. */
async function removeEmptyDirs(stagingDir: string, dir: string): Promise<void> {
  const stop = path.join(stagingDir, OPEN_DIR);
  for (let d = dir; d.startsWith(stop); d = path.dirname(d)) {
    const left = await readdir(d).catch(() => ['?']);
    if (left.length) return;
    await rmdir(d);
    if (d === stop) return;
  }
}
