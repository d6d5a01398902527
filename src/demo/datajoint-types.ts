/**
 * DataJoint 2.3.2's attribute types, as its declarer sees them (reference §2.1, §2.3;
 * `dj: declare.py (CORE_TYPES, match_type, substitute_special_type)`, `adapters/*.py
 * (core_type_to_sql)`, `adapters/postgres.py (parse_column_info)`): which category a type
 * written in a definition falls into, the SQL type each family gets, and the type DataJoint
 * reads back from the catalog (which is what a foreign key copies into a child table).
 */
import { createHash } from 'node:crypto';
import type { Family } from '../db/types.js';

export type CoreTypeName =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool' | 'uuid' | 'json'
  | 'bytes' | 'date' | 'datetime' | 'char' | 'varchar' | 'enum' | 'decimal';

export interface CoreType {
  category: 'core';
  core: CoreTypeName;
  /** The type as written (it becomes the `:type:` marker). */
  text: string;
  length?: number;
  fsp?: number;
  precision?: number;
  scale?: number;
  labels?: string[];
}

export interface CodecType {
  category: 'codec';
  text: string;
  codec: string;
  /** The store after `@` (`""` for `<x@>`), or null for an in-table codec. */
  store: string | null;
  /** What the codec chain ends in: an in-table byte column or a JSON metadata column. */
  storage: 'bytes' | 'json';
}

export interface NativeType {
  category: 'native';
  text: string;
}

export type AttributeType = CoreType | CodecType | NativeType;

/** Built-in codecs of 2.3.2 and what each resolves to with and without a store. */
const CODECS: Record<string, { inTable: 'bytes' | null; inStore: 'json' }> = {
  blob: { inTable: 'bytes', inStore: 'json' },
  attach: { inTable: 'bytes', inStore: 'json' },
  hash: { inTable: null, inStore: 'json' },
  object: { inTable: null, inStore: 'json' },
  npy: { inTable: null, inStore: 'json' },
  filepath: { inTable: null, inStore: 'json' },
};

/**
 * The native types this declarer accepts (DataJoint passes them through with a warning and no
 * marker), with the type each family's catalog reports back for them as DataJoint parses it.
 */
const NATIVE_TYPES: Record<string, { mysql: string; postgres: string | null }> = {
  int: { mysql: 'int', postgres: 'integer' },
  integer: { mysql: 'int', postgres: 'integer' },
  smallint: { mysql: 'smallint', postgres: 'smallint' },
  bigint: { mysql: 'bigint', postgres: 'bigint' },
  // MySQL-only natives: PostgreSQL has no such type and DataJoint's declaration fails there.
  tinyint: { mysql: 'tinyint', postgres: null },
  'int unsigned': { mysql: 'int unsigned', postgres: null },
  'smallint unsigned': { mysql: 'smallint unsigned', postgres: null },
  'tinyint unsigned': { mysql: 'tinyint unsigned', postgres: null },
  'bigint unsigned': { mysql: 'bigint unsigned', postgres: null },
  float: { mysql: 'float', postgres: 'double precision' },
  double: { mysql: 'double', postgres: null },
  real: { mysql: 'double', postgres: 'real' },
  text: { mysql: 'text', postgres: 'text' },
  longblob: { mysql: 'longblob', postgres: null },
  timestamp: { mysql: 'timestamp', postgres: 'timestamp without time zone' },
  time: { mysql: 'time', postgres: 'time without time zone' },
};

/** A type the declarer does not know; the declarer reports it as a DeclarationError. */
export class TypeClassificationError extends Error {}

/** Classify a type as DataJoint's `match_type` does; throws `TypeClassificationError` with a reason otherwise. */
export function classifyType(text: string): AttributeType {
  if (text !== text.trim() || text === '') throw new TypeClassificationError(`type "${text}" must be trimmed and non-empty`);
  if (text.startsWith('<')) return classifyCodec(text);
  const core = classifyCore(text);
  if (core) return core;
  if (Object.hasOwn(NATIVE_TYPES, text)) return { category: 'native', text };
  throw new TypeClassificationError(`type "${text}" is neither a core type, a built-in codec nor a supported native type`);
}

function classifyCodec(text: string): CodecType {
  const m = /^<([a-z][a-z0-9_]*)(?:@([A-Za-z0-9_-]*))?>$/.exec(text);
  if (!m) throw new TypeClassificationError(`codec "${text}" is not of the form <name> or <name@store>`);
  const [, codec, store] = m;
  const spec = CODECS[codec];
  if (!spec) throw new TypeClassificationError(`codec <${codec}> is not a DataJoint 2.3.2 built-in codec`);
  const inStore = store !== undefined;
  if (!inStore && spec.inTable === null) {
    throw new TypeClassificationError(`<${codec}> needs a store (<${codec}@store>): DataJoint refuses it without one`);
  }
  return { category: 'codec', text, codec, store: inStore ? store : null, storage: inStore ? spec.inStore : 'bytes' };
}

function classifyCore(text: string): CoreType | null {
  // Lower case only: DataJoint's patterns ignore case, but its type mapping does not.
  const simple = ['float32', 'float64', 'int64', 'int32', 'int16', 'int8', 'bool', 'uuid', 'json', 'bytes', 'date'] as const;
  for (const name of simple) if (text === name) return { category: 'core', core: name, text };
  let m = /^datetime(?:\((\d)\))?$/.exec(text);
  if (m) {
    const fsp = m[1] === undefined ? undefined : Number(m[1]);
    if (fsp !== undefined && fsp > 6) throw new TypeClassificationError(`datetime precision ${fsp} exceeds 6`);
    return { category: 'core', core: 'datetime', text, ...(fsp === undefined ? {} : { fsp }) };
  }
  m = /^(var)?char\((\d+)\)$/.exec(text);
  if (m) return { category: 'core', core: m[1] ? 'varchar' : 'char', text, length: Number(m[2]) };
  m = /^decimal\((\d+),\s*(\d+)\)$/.exec(text);
  if (m) return { category: 'core', core: 'decimal', text, precision: Number(m[1]), scale: Number(m[2]) };
  m = /^enum\((.+)\)$/.exec(text);
  if (m) {
    const labels = m[1].split(',').map((v) => v.trim());
    for (const label of labels) {
      if (!/^'[^',]*'$/.test(label)) throw new TypeClassificationError(`enum label ${label} must be single-quoted text without quotes or commas`);
    }
    return { category: 'core', core: 'enum', text, labels: labels.map((l) => l.slice(1, -1)) };
  }
  return null;
}

/** PostgreSQL enum type name: `enum_` + first 8 hex digits of md5 of the sorted labels joined by `_`. */
export function pgEnumTypeName(labels: string[]): string {
  // Python sorts str by code point; JS sort compares UTF-16 units, so compare code points.
  const sorted = [...labels].sort(compareCodePoints);
  return `enum_${createHash('md5').update(sorted.join('_'), 'utf8').digest('hex').slice(0, 8)}`;
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) ?? 0);
  const y = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

const MYSQL_CORE: Partial<Record<CoreTypeName, string>> = {
  int64: 'bigint', int32: 'int', int16: 'smallint', int8: 'tinyint', float32: 'float', float64: 'double',
  bool: 'tinyint', uuid: 'binary(16)', bytes: 'longblob', json: 'json', date: 'date',
};
const POSTGRES_CORE: Partial<Record<CoreTypeName, string>> = {
  int64: 'bigint', int32: 'integer', int16: 'smallint', int8: 'smallint', float32: 'real',
  float64: 'double precision', bool: 'boolean', uuid: 'uuid', bytes: 'bytea', json: 'jsonb', date: 'date',
};

/**
 * The SQL type DataJoint's `core_type_to_sql` gives a core type on a family. PostgreSQL enums
 * become a schema-qualified named type created in the declaring table's schema.
 */
export function coreTypeSql(type: CoreType, family: Family, schema: string): string {
  const simple = (family === 'mysql' ? MYSQL_CORE : POSTGRES_CORE)[type.core];
  if (simple) return simple;
  if (family === 'mysql') return type.text;
  switch (type.core) {
    case 'datetime': return type.fsp === undefined ? 'timestamp' : `timestamp(${type.fsp})`;
    case 'decimal': return `numeric${type.text.slice('decimal'.length)}`;
    case 'enum': return `"${schema}"."${pgEnumTypeName(type.labels ?? [])}"`;
    default: return type.text; // char(n), varchar(n)
  }
}

/** The SQL type a column of this attribute type gets (codecs resolve to bytes or json). */
export function columnSqlType(type: AttributeType, family: Family, schema: string): string {
  switch (type.category) {
    case 'core': return coreTypeSql(type, family, schema);
    case 'codec': return family === 'mysql'
      ? (type.storage === 'bytes' ? 'longblob' : 'json')
      : (type.storage === 'bytes' ? 'bytea' : 'jsonb');
    case 'native': return type.text;
  }
}

/**
 * The column type as DataJoint reads it back from the catalog (`Heading._init_from_database`):
 * MySQL `SHOW FULL COLUMNS` with the integer display width stripped, PostgreSQL
 * `parse_column_info` (enums as their bare type name, `timestamp(n)` as `timestamp without
 * time zone`, numeric as `decimal(p,s)` or `decimal(p)`). A foreign key copies exactly this
 * text into the child table. Returns null where the catalog type is not one DataJoint can
 * declare a child column with.
 */
export function typeAsRead(type: AttributeType, family: Family): string | null {
  if (type.category === 'native') {
    const native = NATIVE_TYPES[type.text];
    return family === 'mysql' ? native.mysql : native.postgres;
  }
  if (type.category === 'codec') return family === 'mysql' ? (type.storage === 'bytes' ? 'longblob' : 'json') : (type.storage === 'bytes' ? 'bytea' : 'jsonb');
  if (family === 'mysql') {
    switch (type.core) {
      case 'decimal': return `decimal(${type.precision},${type.scale})`;
      case 'enum': return `enum(${(type.labels ?? []).map((l) => `'${l}'`).join(',')})`;
      default: return coreTypeSql(type, 'mysql', '');
    }
  }
  switch (type.core) {
    case 'datetime': return 'timestamp without time zone';
    case 'decimal': return type.scale ? `decimal(${type.precision},${type.scale})` : `decimal(${type.precision})`;
    case 'enum': return pgEnumTypeName(type.labels ?? []);
    default: return coreTypeSql(type, 'postgres', '');
  }
}

/** DataJoint's blob check: only NULL may be the default of a column whose SQL type mentions blob. */
export function isBlobSql(sqlType: string): boolean {
  return sqlType.toLowerCase().includes('blob');
}
