/**
 * DataJoint types from the catalog: the `:type:` comment marker (reference §1.4), core types
 * and codecs (§2.1, §2.3), and the value kind each column is carried as.
 *
 * The kind follows the DataJoint type where there is one, so that the same declared type gives
 * the same kind on every backend (an `int8` is `tinyint` on MySQL and `smallint` on PostgreSQL,
 * but its kind is `int8` on both); native types fall back to the SQL type.
 */
import type { Family } from '../db/types.js';
import type { ValueKind } from '../values/kinds.js';

const MARKER = /^:([^:]+):(.*)$/s;

/** Split a stored comment into the marker type (if any) and the user's comment. */
export function parseComment(comment: string): { type: string | null; userComment: string } {
  const m = MARKER.exec(comment);
  if (!m) return { type: null, userComment: comment };
  return { type: m[1].trim(), userComment: m[2] };
}

export type CoreType =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'bool' | 'uuid' | 'json'
  | 'bytes' | 'date' | 'datetime' | 'char' | 'varchar' | 'enum' | 'decimal';

const CORE_PATTERNS: [CoreType, RegExp][] = [
  ['float32', /^float32$/i], ['float64', /^float64$/i],
  ['int64', /^int64$/i], ['int32', /^int32$/i], ['int16', /^int16$/i], ['int8', /^int8$/i],
  ['bool', /^bool$/i], ['uuid', /^uuid$/i], ['json', /^jsonb?$/i], ['bytes', /^bytes$/i],
  ['date', /^date$/i], ['datetime', /^datetime(\s*\(\d+\))?$/i],
  ['char', /^char\s*\(\d+\)$/i], ['varchar', /^varchar\s*\(\d+\)$/i],
  ['enum', /^enum\s*\(.+\)$/is], ['decimal', /^decimal\s*\(\d+\s*,\s*\d+\)$/i],
];

export function coreTypeOf(djType: string): CoreType | null {
  for (const [name, re] of CORE_PATTERNS) if (re.test(djType)) return name;
  return null;
}

export interface CodecSpec {
  name: string;
  /** undefined: no `@`; '' : `<x@>` (default store) */
  store?: string;
}

export function parseCodec(djType: string): CodecSpec | null {
  const m = /^<\s*([A-Za-z_][\w-]*)\s*(?:@\s*([\w-]*)\s*)?>$/.exec(djType);
  if (!m) return null;
  return m[2] === undefined && !djType.includes('@') ? { name: m[1] } : { name: m[1], store: m[2] ?? '' };
}

/** Codecs whose stored column holds JSON metadata pointing into an object store. */
export function isStoreCodec(spec: CodecSpec): boolean {
  return spec.store !== undefined;
}

const CORE_KIND: Record<Exclude<CoreType, 'char' | 'varchar' | 'enum' | 'decimal' | 'datetime'>, ValueKind> = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', float32: 'float32', float64: 'float64',
  bool: 'bool', uuid: 'uuid', json: 'json', bytes: 'bytes', date: 'date',
};

export interface SqlTypeInfo {
  family: Family;
  /** lower-case base type name (`int`, `varchar`, `timestamp without time zone`, `user-defined`) */
  dataType: string;
  /** full type text (`int unsigned`, `binary(16)`) */
  sqlType: string;
}

/** The kind a native SQL type is carried as; `text` for types we keep as their text form. */
export function kindOfSqlType(t: SqlTypeInfo): ValueKind {
  const unsigned = /\bunsigned\b/i.test(t.sqlType);
  const d = t.dataType.toLowerCase();
  if (t.family === 'mysql') {
    switch (d) {
      case 'tinyint': return unsigned ? 'uint8' : 'int8';
      case 'smallint': return unsigned ? 'uint16' : 'int16';
      case 'mediumint': case 'int': case 'integer': return unsigned ? 'uint32' : 'int32';
      case 'bigint': return unsigned ? 'uint64' : 'int64';
      case 'float': return 'float32';
      case 'double': case 'real': return 'float64';
      case 'decimal': case 'numeric': return 'decimal';
      case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext':
      case 'enum': case 'set': return 'string';
      case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob':
      case 'bit': return 'bytes';
      case 'json': return 'json';
      case 'date': return 'date';
      case 'datetime': case 'timestamp': return 'datetime';
      case 'time': return 'time';
      case 'year': return 'int16';
      default: return 'text';
    }
  }
  switch (d) {
    case 'smallint': return 'int16';
    case 'integer': return 'int32';
    case 'bigint': return 'int64';
    case 'real': return 'float32';
    case 'double precision': return 'float64';
    case 'numeric': return 'decimal';
    case 'boolean': return 'bool';
    case 'character': case 'character varying': case 'text': case 'user-defined': return 'string';
    case 'bytea': return 'bytes';
    case 'uuid': return 'uuid';
    case 'json': case 'jsonb': return 'json';
    case 'date': return 'date';
    case 'timestamp without time zone': case 'timestamp with time zone': return 'datetime';
    case 'time without time zone': return 'time';
    default: return 'text';
  }
}

/**
 * The kind of a column: from its DataJoint type where that says enough, else from its SQL type.
 * A codec's kind is that of its storage (bytes for `<blob>`/`<attach>`, json for store codecs);
 * custom codecs are classified by their SQL type (reference §2.3).
 */
export function kindOf(djType: string | null, sql: SqlTypeInfo): ValueKind {
  const native = kindOfSqlType(sql);
  if (!djType) return native;
  const core = coreTypeOf(djType);
  if (core) {
    if (core === 'char' || core === 'varchar' || core === 'enum') return 'string';
    if (core === 'decimal') return 'decimal';
    if (core === 'datetime') return 'datetime';
    const k = CORE_KIND[core];
    // A marker that disagrees with the storage (e.g. a hand-edited comment) must not make us
    // misread bytes: trust the storage unless both describe the same family of values.
    if (k === 'bool' && (native === 'int8' || native === 'uint8' || native === 'bool')) return 'bool';
    if (k === 'uuid' && (native === 'bytes' || native === 'uuid')) return 'uuid';
    if (k === 'json' && (native === 'json' || native === 'string')) return 'json';
    if (k === 'int8' && (native === 'int16' || native === 'int8')) return 'int8';
    return native === 'text' ? k : nativeCompatible(k, native);
  }
  const codec = parseCodec(djType);
  if (codec && (native === 'string' || native === 'json') && (sql.dataType === 'longtext' || sql.dataType === 'json' || sql.dataType === 'jsonb')) {
    return 'json';
  }
  return native;
}

function nativeCompatible(core: ValueKind, native: ValueKind): ValueKind {
  return core === native ? core : native;
}

/** Fractional-second digits of a datetime/time SQL type (`datetime(3)` → 3). */
export function fspOf(sqlType: string): number {
  const m = /\((\d)\)/.exec(sqlType);
  return m ? Number(m[1]) : 0;
}
