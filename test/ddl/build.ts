/**
 * Hand-written manifests for the unit tests: a column is given the way a catalog shows it
 * (SQL type, base type, comment with marker, default text); the DataJoint type and the value
 * kind are filled in the way the catalog reader does (catalog/types.ts), so each test states
 * only what it is about.
 */
import type { Column, ForeignKey, Index, Tier } from '../../src/catalog/model.js';
import { fspOf, kindOf, parseComment } from '../../src/catalog/types.js';
import type { Family } from '../../src/db/types.js';
import type { SchemaManifest, TableManifest } from '../../src/snapshot/manifest.js';

export interface ColumnSpec {
  /** base type as information_schema reports it; default: the SQL type up to `(` or space */
  dataType?: string;
  comment?: string;
  nullable?: boolean;
  default?: string | null;
  extra?: string;
  /** DataJoint type inherited through a foreign key (the reader resolves it) */
  inherited?: string;
  collation?: string | null;
  charset?: string | null;
  autoIncrement?: boolean;
}

export function column(family: Family, name: string, sqlType: string, spec: ColumnSpec = {}): Column {
  const dataType = spec.dataType ?? sqlType.toLowerCase().replace(/[( ].*$/s, '');
  const comment = spec.comment ?? '';
  const { type: marker, userComment } = parseComment(comment);
  const djType = marker ?? spec.inherited ?? null;
  const c: Column = {
    name, position: 0, sqlType, dataType, nullable: spec.nullable ?? false,
    default: spec.default ?? null, extra: spec.extra ?? '', comment, userComment,
    charset: spec.charset ?? null, collation: spec.collation ?? null,
    djType, djTypeSource: marker ? 'marker' : spec.inherited ? 'foreign-key' : 'native',
    kind: kindOf(djType, { family, dataType, sqlType }),
    hidden: name.startsWith('_'),
    autoIncrement: spec.autoIncrement ?? /auto_increment|identity|nextval/i.test(`${spec.extra ?? ''} ${spec.default ?? ''}`),
  };
  if (c.kind === 'datetime' || c.kind === 'time') c.fsp = /\(\d\)/.test(sqlType) ? fspOf(sqlType) : family === 'postgres' ? 6 : 0;
  const dec = /\((\d+)\s*,\s*(\d+)\)/.exec(djType && /^decimal/i.test(djType) ? djType : sqlType);
  if (c.kind === 'decimal' && dec) {
    c.precision = Number(dec[1]);
    c.scale = Number(dec[2]);
  }
  const len = /^(?:var)?char(?:acter)?(?: varying)?\((\d+)\)/i.exec(sqlType);
  if (len) c.length = Number(len[1]);
  return c;
}

export interface TableSpec {
  tier?: Tier;
  comment?: string;
  primaryKey?: string[];
  foreignKeys?: ForeignKey[];
  indexes?: Index[];
  createSql?: string;
  postSql?: string[];
  autoIncrement?: string | null;
  sequences?: { column: string; name: string; lastValue: string | null }[];
  engine?: string;
}

export function table(name: string, columns: Column[], spec: TableSpec = {}): TableManifest {
  const t: TableManifest = {
    name, tier: spec.tier ?? tierOf(name), master: null, comment: spec.comment ?? '', definition: '',
    columns: columns.map((c, i) => ({ ...c, position: i + 1 })),
    primaryKey: spec.primaryKey ?? [columns[0].name],
    foreignKeys: spec.foreignKeys ?? [], indexes: spec.indexes ?? [],
    createSql: spec.createSql ?? '', postSql: spec.postSql ?? [], files: [], rows: 0, hash: 'sha256:0',
  };
  if (spec.engine !== undefined) t.engine = spec.engine;
  if (spec.autoIncrement !== undefined) t.autoIncrement = spec.autoIncrement;
  if (spec.sequences) t.sequences = spec.sequences;
  return t;
}

function tierOf(name: string): Tier {
  if (name === '~lineage') return 'lineage';
  if (name.startsWith('~~')) return 'jobs';
  if (name.startsWith('~')) return 'hidden';
  if (name.startsWith('__')) return 'computed';
  if (name.startsWith('_')) return 'imported';
  if (name.startsWith('#')) return 'lookup';
  return name.includes('__') ? 'part' : 'manual';
}

export function schema(name: string, tables: TableManifest[], extra: Partial<SchemaManifest> = {}): SchemaManifest {
  return { name, datajoint: '2.x', charset: null, collation: null, enumTypes: [], hash: 'sha256:0', tables, ...extra };
}

export function fk(columns: string[], refSchema: string, refTable: string, refColumns = columns, name = ''): ForeignKey {
  return { name, columns, refSchema, refTable, refColumns, onUpdate: 'CASCADE', onDelete: 'RESTRICT' };
}
