/**
 * Snapshot staging directories built by hand (no database): table Parquet files written with
 * the project's writer from canonical rows, schema manifests with just what the open view reads,
 * store objects at `objects/<store>/<path>`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Column } from '../../src/catalog/model.js';
import { writeParquet } from '../../src/parquet/writer.js';
import { objectPath, tableFilePath } from '../../src/snapshot/layout.js';
import type { SchemaManifest, TableManifest } from '../../src/snapshot/manifest.js';
import type { ColumnShape, CValue, ValueKind } from '../../src/values/kinds.js';

export interface HandColumn {
  name: string;
  kind: ValueKind;
  djType?: string | null;
  sqlType?: string;
  dataType?: string;
  nullable?: boolean;
  scale?: number;
  precision?: number;
  fsp?: number;
}

function column(c: HandColumn, position: number): Column {
  const out: Column = {
    name: c.name, position, sqlType: c.sqlType ?? c.kind, dataType: c.dataType ?? c.sqlType ?? c.kind,
    nullable: c.nullable ?? false, default: null, extra: '', comment: c.djType ? `:${c.djType}:` : '', userComment: '',
    charset: null, collation: null, djType: c.djType ?? null, djTypeSource: c.djType ? 'marker' : 'native', kind: c.kind,
    hidden: c.name.startsWith('_'), autoIncrement: false,
  };
  if (c.precision !== undefined) out.precision = c.precision;
  if (c.scale !== undefined) out.scale = c.scale;
  if (c.fsp !== undefined) out.fsp = c.fsp;
  return out;
}

/** Writes `schemas/<schema>/tables/<table>.parquet` and returns the table's manifest. */
export async function handTable(
  stagingDir: string, schema: string, name: string, columns: HandColumn[], primaryKey: string[], rows: CValue[][],
): Promise<TableManifest> {
  const cols = columns.map((c, i) => column(c, i + 1));
  const shapes: ColumnShape[] = cols.map((c) => {
    const s: ColumnShape = { name: c.name, kind: c.kind, nullable: c.nullable, djType: c.djType, sqlType: c.sqlType };
    if (c.precision !== undefined) s.precision = c.precision;
    if (c.scale !== undefined) s.scale = c.scale;
    if (c.fsp !== undefined) s.fsp = c.fsp;
    return s;
  });
  const file = tableFilePath(schema, name);
  const full = path.join(stagingDir, ...file.split('/'));
  await mkdir(path.dirname(full), { recursive: true });
  const written = await writeParquet(full, shapes, (async function* () { yield rows; })());
  return {
    name, tier: 'manual', master: null, comment: '', definition: '', columns: cols, primaryKey, foreignKeys: [], indexes: [],
    createSql: '', postSql: [], files: [{ path: file, rows: rows.length, bytes: written.bytes, sha256: written.parts[0].sha256 }],
    rows: rows.length, hash: '0'.repeat(64),
  };
}

export function handSchema(name: string, tables: TableManifest[], datajoint: SchemaManifest['datajoint'] = '2.x'): SchemaManifest {
  return { name, datajoint, charset: null, collation: null, enumTypes: [], hash: '0'.repeat(64), tables };
}

/** Puts a store object at `objects/<store>/<relative path>` and returns the column's JSON metadata. */
export async function handObject(stagingDir: string, store: string, relative: string, bytes: Uint8Array, metaStore: string | null = store): Promise<string> {
  const full = path.join(stagingDir, ...objectPath(store, relative).split('/'));
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, bytes);
  return JSON.stringify({ hash: relative.split('/').pop(), path: relative, schema: 's', store: metaStore, size: bytes.length });
}

/** DataJoint's in-table attachment bytes: file name, NUL, contents. */
export function attachment(name: string, contents: Uint8Array | string): Uint8Array {
  const body = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
  return new Uint8Array(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0]), body]));
}
