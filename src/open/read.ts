/**
 * One blob or attachment value out of a snapshot, by table, primary key and attribute, read
 * from any git ref or a plain snapshot directory (what `dj-cat` shows). The table is scanned
 * from its Parquet files with bounded memory; only the matching value is decoded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DjSnapshotError } from '../errors/base.js';
import { openSnapshotSource, type SnapshotSource } from '../git/source.js';
import { readParquet } from '../parquet/reader.js';
import { objectPath, PIPELINE_MANIFEST } from '../snapshot/layout.js';
import type { PipelineManifest, SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import type { CValue } from '../values/kinds.js';
import { openAttributes, openHowOf, type OpenHow } from './attributes.js';
import {
  AmbiguousKeyError, BadKeyError, NotASnapshotError, NotOpenAttributeError, RowNotFoundError, UnknownAttributeError, UnknownTableError,
} from './errors.js';
import { keyText, parseKeyText, sameKeyValue } from './key-text.js';
import { type ObjectReader, type OpenValue, openValueOf } from './stored-value.js';

export interface ReadValueRequest {
  /** Snapshot repository or directory. */
  snapshot: string;
  /** Git ref (default HEAD for a repository). */
  ref?: string;
  /** `schema.table` (SQL table name; the tier prefix may be left out when that is unambiguous). */
  table: string;
  /** `[attribute, value text]` pairs; together they must single out one row. */
  key: readonly (readonly [string, string])[];
  attribute: string;
}

export interface ReadValueResult {
  schema: string;
  table: string;
  /** The row's full primary key, as canonical text. */
  key: { attribute: string; text: string }[];
  attribute: string;
  djType: string | null;
  how: OpenHow;
  value: OpenValue;
}

/** Objects through a snapshot source; '' or null store: the one store folder holding the path. */
class SourceObjects implements ObjectReader {
  constructor(private readonly source: SnapshotSource) {}

  async read(store: string | null, relative: string): Promise<Uint8Array | { missing: string }> {
    let file: string | null = store ? objectPath(store, relative) : null;
    if (file === null) {
      const suffix = objectPath('x', relative).slice('objects/x'.length);
      const holding = (await this.source.listFiles()).filter((f) => f.path.startsWith('objects/') && f.path.endsWith(suffix)
        && f.path.indexOf('/', 'objects/'.length) === f.path.length - suffix.length);
      if (holding.length !== 1) return { missing: holding.length ? `several stores hold ${relative}; the metadata names the default store` : `object ${relative} (default store) is not in the snapshot` };
      file = holding[0].path;
    }
    if (!(await this.source.hasFile(file))) return { missing: `object ${store}:${relative} is not in the snapshot (${file})` };
    return this.source.readFile(file);
  }
}

async function readJson<T>(source: SnapshotSource, file: string, where: string): Promise<T> {
  if (!(await source.hasFile(file))) throw new NotASnapshotError(where, `${file} is missing`);
  try {
    return JSON.parse(Buffer.from(await source.readFile(file)).toString('utf8')) as T;
  } catch (e) {
    throw new NotASnapshotError(where, `${file} is not valid JSON (${(e as Error).message})`);
  }
}

function label(source: SnapshotSource): string {
  const d = source.describe();
  return d.kind === 'git' ? `${d.dir} at ${d.ref}` : d.dir;
}

/** Finds `schema.table`, also by the table name without its tier prefix (`#`, `_`, `__`). */
function findTable(schemas: readonly SchemaManifest[], name: string): { schema: SchemaManifest; table: TableManifest } {
  const all = schemas.flatMap((schema) => schema.tables.map((table) => ({ schema, table })));
  const full = (x: { schema: SchemaManifest; table: TableManifest }) => `${x.schema.name}.${x.table.name}`;
  const exact = all.find((x) => full(x) === name);
  if (exact) return exact;
  const loose = all.filter((x) => `${x.schema.name}.${x.table.name.replace(/^(#|__|_)/, '')}` === name);
  if (loose.length === 1) return loose[0];
  throw new UnknownTableError(name, all.map(full));
}

/** Parses the --key pairs against the primary key; may be a prefix-free subset of it. */
function parseKey(table: TableManifest, where: string, key: ReadValueRequest['key']): { index: number; value: CValue }[] {
  const out: { index: number; value: CValue }[] = [];
  const seen = new Set<string>();
  for (const [name, text] of key) {
    if (!table.primaryKey.includes(name)) {
      const isColumn = table.columns.some((c) => c.name === name);
      throw new BadKeyError(where, isColumn ? `${name} is not part of the primary key` : `${where} has no attribute ${name}`, table.primaryKey);
    }
    if (seen.has(name)) throw new BadKeyError(where, `${name} is given twice`, table.primaryKey);
    seen.add(name);
    const index = table.columns.findIndex((c) => c.name === name);
    const column = table.columns[index];
    const value = parseKeyText(column.kind, text, column.scale ?? 0);
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
      throw new BadKeyError(where, `${name}: ${value.error}`, table.primaryKey);
    }
    out.push({ index, value });
  }
  if (out.length === 0) throw new BadKeyError(where, 'no --key given', table.primaryKey);
  return out;
}

/** A local path for each of the table's Parquet files; `cleanup` removes temporary copies. */
async function localTableFiles(source: SnapshotSource, table: TableManifest): Promise<{ files: string[]; cleanup: () => Promise<void> }> {
  const d = source.describe();
  for (const f of table.files) if (!(await source.hasFile(f.path))) throw new NotASnapshotError(label(source), `${f.path} is missing`);
  if (d.kind === 'directory') return { files: table.files.map((f) => path.join(d.dir, ...f.path.split('/'))), cleanup: async () => {} };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'dj-cat-'));
  const files: string[] = [];
  try {
    for (const [i, f] of table.files.entries()) {
      const dest = path.join(tmp, `${i}.parquet`);
      await source.copyFileTo(f.path, dest);
      files.push(dest);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return { files, cleanup: () => rm(tmp, { recursive: true, force: true }) };
}

export async function readSnapshotValue(request: ReadValueRequest): Promise<ReadValueResult> {
  let source: SnapshotSource;
  try {
    source = await openSnapshotSource(request.snapshot, request.ref === undefined ? {} : { ref: request.ref });
  } catch (e) {
    if (e instanceof DjSnapshotError) throw e;
    throw new NotASnapshotError(request.snapshot, (e as Error).message);
  }
  const where = label(source);
  const pipeline = await readJson<PipelineManifest>(source, PIPELINE_MANIFEST, where);
  if (!Array.isArray(pipeline.schemas)) throw new NotASnapshotError(where, `${PIPELINE_MANIFEST} lists no schemas`);
  const schemas: SchemaManifest[] = [];
  for (const s of pipeline.schemas) schemas.push(await readJson<SchemaManifest>(source, s.path, where));

  const { schema, table } = findTable(schemas, request.table);
  const tableName = `${schema.name}.${table.name}`;
  const openNames = openAttributes(table, schema.datajoint).map((a) => a.column.name);
  const attrIndex = table.columns.findIndex((c) => c.name === request.attribute);
  if (attrIndex < 0) throw new UnknownAttributeError(tableName, request.attribute, openNames);
  const column = table.columns[attrIndex];
  const how = openHowOf(column, schema.datajoint);
  if (!how) throw new NotOpenAttributeError(tableName, request.attribute, column.djType ?? column.sqlType, openNames);

  const wanted = parseKey(table, tableName, request.key);
  const keyIndexes = table.primaryKey.map((k) => table.columns.findIndex((c) => c.name === k));
  const asked = request.key.map(([k, v]) => `${k}=${v}`).join(', ');
  const { files, cleanup } = await localTableFiles(source, table);
  let found: CValue[] | null = null;
  try {
    for (const file of files) {
      for await (const batch of readParquet(file)) {
        for (const row of batch) {
          if (!wanted.every((w) => sameKeyValue(row[w.index], w.value))) continue;
          if (found) {
            const missing = table.primaryKey.filter((k) => !request.key.some(([n]) => n === k));
            throw new AmbiguousKeyError(tableName, asked, missing);
          }
          found = row;
        }
      }
    }
  } finally {
    await cleanup();
  }
  if (!found) throw new RowNotFoundError(tableName, asked);
  const row: CValue[] = found;
  return {
    schema: schema.name,
    table: table.name,
    key: table.primaryKey.map((k, i) => ({ attribute: k, text: keyText(table.columns[keyIndexes[i]].kind, row[keyIndexes[i]]) })),
    attribute: column.name,
    djType: column.djType,
    how,
    value: await openValueOf(how, row[attrIndex], new SourceObjects(source)),
  };
}
