/**
 * The manifests of formats/README.md §3-4 as types, and their one serialisation: keys in the
 * order listed there, 2-space indentation, a trailing newline. Building the objects in a fixed
 * key order is what makes the bytes deterministic.
 */
import type { Family } from '../db/types.js';
import type { Column, EnumType, ForeignKey, Index, Schema, Table, Tier } from '../catalog/model.js';
import type { ObjectEntry } from '../objects/copy.js';

export const FORMAT_NAME = 'dj-snapshot';
export const FORMAT_VERSION = 1;

export interface Settings {
  includeJobs: boolean;
  open: boolean;
  allowMissingObjects: boolean;
}

export interface PipelineManifest {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  family: Family;
  settings: Settings;
  schemas: { name: string; path: string; tables: number; rows: number; hash: string }[];
  objects: { path: string; count: number; bytes: number; missing: number; stores: string[] };
  hash: string;
}

export interface TableFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface TableManifest {
  name: string;
  tier: Tier;
  master: string | null;
  comment: string;
  definition: string;
  columns: Column[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  indexes: Index[];
  engine?: string;
  collation?: string | null;
  autoIncrement?: string | null;
  sequences?: { column: string; name: string; lastValue: string | null }[];
  createSql: string;
  postSql: string[];
  files: TableFile[];
  rows: number;
  hash: string;
}

export interface SchemaManifest {
  name: string;
  datajoint: Schema['datajoint'];
  charset: string | null;
  collation: string | null;
  enumTypes: { name: string; labels: string[] }[];
  hash: string;
  tables: TableManifest[];
}

/** Column keys in spec order; optional ones only when present. */
function columnJson(c: Column): Column {
  const out: Record<string, unknown> = {
    name: c.name, position: c.position, sqlType: c.sqlType, dataType: c.dataType, nullable: c.nullable,
    default: c.default, extra: c.extra, comment: c.comment, userComment: c.userComment,
    charset: c.charset, collation: c.collation, djType: c.djType, djTypeSource: c.djTypeSource, kind: c.kind,
  };
  for (const k of ['precision', 'scale', 'fsp', 'length'] as const) if (c[k] !== undefined) out[k] = c[k];
  out.hidden = c.hidden;
  out.autoIncrement = c.autoIncrement;
  if (c.nativeOnly) out.nativeOnly = true;
  return out as unknown as Column;
}

function indexJson(i: Index): Index {
  const out: Record<string, unknown> = { name: i.name, unique: i.unique, columns: i.columns };
  if (i.subParts) out.subParts = i.subParts;
  if (i.expressions) out.expressions = i.expressions;
  if (i.definition !== undefined) out.definition = i.definition;
  return out as unknown as Index;
}

function foreignKeyJson(fk: ForeignKey): ForeignKey {
  return {
    name: fk.name, columns: fk.columns, refSchema: fk.refSchema, refTable: fk.refTable,
    refColumns: fk.refColumns, onUpdate: fk.onUpdate, onDelete: fk.onDelete,
  };
}

export function tableManifest(t: Table, files: TableFile[], rows: number, hash: string): TableManifest {
  const out: TableManifest = {
    name: t.name, tier: t.tier, master: t.master, comment: t.comment, definition: t.definition,
    columns: t.columns.map(columnJson), primaryKey: t.primaryKey,
    foreignKeys: t.foreignKeys.map(foreignKeyJson), indexes: t.indexes.map(indexJson),
  } as TableManifest;
  if (t.engine !== undefined) out.engine = t.engine;
  if (t.collation !== undefined) out.collation = t.collation;
  if (t.autoIncrement !== undefined) out.autoIncrement = t.autoIncrement;
  if (t.sequences) out.sequences = t.sequences.map((s) => ({ column: s.column, name: s.name, lastValue: s.lastValue }));
  out.createSql = t.createSql;
  out.postSql = t.postSql;
  out.files = files.map((f) => ({ path: f.path, rows: f.rows, bytes: f.bytes, sha256: f.sha256 }));
  out.rows = rows;
  out.hash = hash;
  return out;
}

export function schemaManifest(s: Schema, hash: string, tables: TableManifest[]): SchemaManifest {
  return {
    name: s.name,
    datajoint: s.datajoint,
    charset: s.charset ?? null,
    collation: s.collation ?? null,
    enumTypes: s.enumTypes.map((e: EnumType) => ({ name: e.name, labels: e.labels })),
    hash,
    tables,
  };
}

export function objectLine(e: ObjectEntry): string {
  const out: Record<string, unknown> = { store: e.store, path: e.path };
  if (e.missing) {
    out.kind = e.kind;
    out.missing = true;
    if (e.problem) out.problem = e.problem;
  } else {
    out.size = e.size;
    out.sha256 = e.sha256;
    out.kind = e.kind;
  }
  return JSON.stringify(out);
}

export function serialize(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
