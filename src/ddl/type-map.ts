/**
 * Column types across families, the way DataJoint 2.3.2 declares them (reference §2.1):
 * core types through each adapter's mapping, codecs through their storage type, and native
 * types (no DataJoint type) to their exact counterpart where one exists. Anything DataJoint
 * would not declare identically on the target, or whose values may not all fit, carries a
 * `problem` (it ends up in the plan's `lossy` list) and the closest type.
 */
import { coreTypeOf, parseCodec, type CoreType } from '../catalog/types.js';
import type { Column } from '../catalog/model.js';
import type { Family } from '../db/types.js';
import { mysqlEnumType, postgresEnumTypeName } from './enums.js';
import { quoteIdent } from './sql/quote.js';
import type { ValueCondition } from './types.js';

export interface TargetType {
  /** the type as written in the DDL */
  sqlType: string;
  /** the target catalog's base type name (lower case), from which the value kind follows */
  dataType: string;
  /** datetime/time: fractional-second digits the target column keeps */
  fsp?: number;
  /** MySQL TEXT/BLOB/JSON storage (no plain literal default on MySQL 8) */
  textLike?: boolean;
  /** PostgreSQL target: the enum type this column uses (to be created in `enumSchema`) */
  enumType?: { schema: string; name: string; labels: string[] };
  problem?: string;
  condition?: ValueCondition;
}

export interface TypeContext {
  source: Family;
  target: Family;
  flavor: 'mariadb' | 'mysql' | 'postgres' | undefined;
  /** the target schema of the table (PostgreSQL enum types are created there) */
  targetSchema: string;
  /** the column's enum labels, when it is an enumeration */
  enumLabels: () => string[] | null;
}

const SOURCE_NAME: Record<Family, string> = { mysql: 'MySQL', postgres: 'PostgreSQL' };

function paramsOf(type: string): number[] {
  const m = /\(([^)]*)\)/.exec(type);
  return m ? m[1].split(',').map((p) => Number(p.trim())) : [];
}

/** The target column of a DataJoint core type (reference §2.1), e.g. `int8` → tinyint | smallint. */
export function coreTargetType(djType: string, core: CoreType, ctx: TypeContext): TargetType {
  const my = ctx.target === 'mysql';
  switch (core) {
    case 'int8': return my ? { sqlType: 'tinyint', dataType: 'tinyint' } : { sqlType: 'smallint', dataType: 'smallint' };
    case 'int16': return { sqlType: 'smallint', dataType: 'smallint' };
    case 'int32': return my ? { sqlType: 'int', dataType: 'int' } : { sqlType: 'integer', dataType: 'integer' };
    case 'int64': return { sqlType: 'bigint', dataType: 'bigint' };
    case 'float32': return my ? { sqlType: 'float', dataType: 'float' } : { sqlType: 'real', dataType: 'real' };
    case 'float64': return my ? { sqlType: 'double', dataType: 'double' } : { sqlType: 'double precision', dataType: 'double precision' };
    case 'bool': return my ? { sqlType: 'tinyint', dataType: 'tinyint' } : { sqlType: 'boolean', dataType: 'boolean' };
    case 'uuid': return my ? { sqlType: 'binary(16)', dataType: 'binary' } : { sqlType: 'uuid', dataType: 'uuid' };
    // MariaDB turns `json` into longtext + CHECK (json_valid(…)) by itself.
    case 'json': return my ? { sqlType: 'json', dataType: ctx.flavor === 'mariadb' ? 'longtext' : 'json', textLike: true } : { sqlType: 'jsonb', dataType: 'jsonb' };
    case 'bytes': return my ? { sqlType: 'longblob', dataType: 'longblob', textLike: true } : { sqlType: 'bytea', dataType: 'bytea' };
    case 'date': return { sqlType: 'date', dataType: 'date' };
    case 'datetime': {
      const [n] = paramsOf(djType);
      if (my) return { sqlType: n === undefined ? 'datetime' : `datetime(${n})`, dataType: 'datetime', fsp: n ?? 0 };
      return { sqlType: n === undefined ? 'timestamp' : `timestamp(${n})`, dataType: 'timestamp without time zone', fsp: n ?? 6 };
    }
    case 'char': {
      const [n] = paramsOf(djType);
      if (my && n > 255) return { sqlType: `varchar(${n})`, dataType: 'varchar', problem: `char(${n}) is longer than MySQL's 255; declared as varchar(${n})` };
      return { sqlType: `char(${n})`, dataType: my ? 'char' : 'character' };
    }
    case 'varchar': {
      const [n] = paramsOf(djType);
      // 16383 utf8mb4 characters fill MySQL's 65535-byte row limit.
      if (my && n > 16383) return { sqlType: 'longtext', dataType: 'longtext', textLike: true, problem: `varchar(${n}) does not fit MySQL's row size; declared as longtext` };
      return { sqlType: `varchar(${n})`, dataType: my ? 'varchar' : 'character varying' };
    }
    case 'decimal': {
      const [p, s] = paramsOf(djType);
      if (!my) return { sqlType: `numeric(${p},${s})`, dataType: 'numeric' };
      if (p > 65 || s > 30) {
        return { sqlType: `decimal(65,${Math.min(s, 30)})`, dataType: 'decimal', problem: `decimal(${p},${s}) exceeds MySQL's decimal(65,30)` };
      }
      return { sqlType: `decimal(${p},${s})`, dataType: 'decimal' };
    }
    case 'enum': {
      const labels = ctx.enumLabels();
      if (!labels || labels.length === 0) {
        return { sqlType: my ? 'longtext' : 'text', dataType: my ? 'longtext' : 'text', problem: `the labels of ${djType} are unknown; declared as text` };
      }
      return enumTarget(labels, ctx);
    }
  }
}

function enumTarget(labels: string[], ctx: TypeContext): TargetType {
  if (ctx.target === 'mysql') return { sqlType: mysqlEnumType(labels), dataType: 'enum' };
  const name = postgresEnumTypeName(labels);
  return {
    sqlType: `${quoteIdent(ctx.targetSchema, 'postgres')}.${quoteIdent(name, 'postgres')}`,
    dataType: 'user-defined',
    enumType: { schema: ctx.targetSchema, name, labels },
  };
}

/**
 * A codec column (`<blob>`, `<attach@s>`, a custom `<graph>`): DataJoint stores it in the
 * codec's storage core type, `bytes` for in-table blobs/attachments and `json` for anything kept
 * in a store. A custom codec without a store is classified by the source column's storage.
 */
export function codecStorageCore(djType: string, column: Column): CoreType | null {
  const spec = parseCodec(djType);
  if (!spec) return null;
  if (spec.store !== undefined) return 'json';
  if (spec.name === 'blob' || spec.name === 'attach') return 'bytes';
  if (column.kind === 'bytes') return 'bytes';
  if (column.kind === 'json') return 'json';
  return null;
}

/** The target type of a column whose DataJoint type is a core type or codec; null for native columns. */
export function declaredTargetType(column: Column, ctx: TypeContext): TargetType | null {
  const dj = column.djType;
  if (!dj) return null;
  const core = coreTypeOf(dj);
  if (core) return coreTargetType(dj, core, ctx);
  const storage = codecStorageCore(dj, column);
  if (storage) return coreTargetType(storage, storage, ctx);
  return null;
}

/**
 * A native column (no DataJoint type, or a marker DataJoint 2.x does not declare such as
 * `:uint32:`): the exact counterpart, or the closest type with a problem.
 */
export function nativeTargetType(column: Column, ctx: TypeContext): TargetType {
  return ctx.source === 'mysql' ? fromMysql(column, ctx) : fromPostgres(column, ctx);
}

function lossy(t: TargetType, problem: string, condition?: ValueCondition): TargetType {
  const out: TargetType = { ...t, problem };
  if (condition) out.condition = condition;
  return out;
}

function fromMysql(c: Column, ctx: TypeContext): TargetType {
  const type = c.sqlType.toLowerCase();
  const unsigned = /\bunsigned\b/.test(type);
  const fsp = c.fsp ?? 0;
  const noPg = (t: TargetType, why = 'DataJoint cannot declare it on PostgreSQL') =>
    lossy(t, `MySQL ${c.sqlType} has no exact PostgreSQL counterpart (${why}); declared as ${t.sqlType}`);
  switch (c.dataType) {
    case 'tinyint': return noPg({ sqlType: 'smallint', dataType: 'smallint' });
    case 'smallint': return unsigned ? noPg({ sqlType: 'integer', dataType: 'integer' }) : { sqlType: 'smallint', dataType: 'smallint' };
    case 'mediumint': return noPg({ sqlType: 'integer', dataType: 'integer' });
    case 'int': case 'integer': return unsigned ? noPg({ sqlType: 'bigint', dataType: 'bigint' }) : { sqlType: 'integer', dataType: 'integer' };
    case 'bigint': return unsigned ? noPg({ sqlType: 'numeric(20,0)', dataType: 'numeric' }) : { sqlType: 'bigint', dataType: 'bigint' };
    case 'float':
      return type === 'float' ? { sqlType: 'real', dataType: 'real' } : noPg({ sqlType: 'real', dataType: 'real' }, 'precision/scale or unsigned');
    case 'double': case 'real':
      return type === 'double' || type === 'real' ? { sqlType: 'double precision', dataType: 'double precision' }
        : noPg({ sqlType: 'double precision', dataType: 'double precision' }, 'precision/scale or unsigned');
    case 'decimal': case 'numeric': {
      const t = { sqlType: `numeric(${c.precision ?? 10},${c.scale ?? 0})`, dataType: 'numeric' };
      return unsigned ? noPg(t, 'unsigned') : t;
    }
    case 'char': return { sqlType: `char(${c.length ?? 1})`, dataType: 'character' };
    case 'varchar': return { sqlType: `varchar(${c.length ?? 255})`, dataType: 'character varying' };
    case 'tinytext': case 'text': case 'mediumtext': case 'longtext': return { sqlType: 'text', dataType: 'text' };
    case 'enum': {
      const labels = ctx.enumLabels();
      return labels && labels.length ? enumTarget(labels, ctx) : noPg({ sqlType: 'text', dataType: 'text' }, 'unreadable labels');
    }
    case 'set': return noPg({ sqlType: 'text', dataType: 'text' });
    case 'binary': case 'varbinary': return noPg({ sqlType: 'bytea', dataType: 'bytea' }, 'fixed or bounded length');
    case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob': return { sqlType: 'bytea', dataType: 'bytea' };
    case 'bit': return noPg({ sqlType: 'bytea', dataType: 'bytea' });
    case 'json': return { sqlType: 'jsonb', dataType: 'jsonb' };
    case 'date': return { sqlType: 'date', dataType: 'date' };
    case 'datetime': case 'timestamp':
      return { sqlType: `timestamp(${fsp})`, dataType: 'timestamp without time zone', fsp };
    case 'time':
      return lossy({ sqlType: `time(${fsp})`, dataType: 'time without time zone', fsp },
        'MySQL time values may be negative or exceed 24 hours; PostgreSQL time holds 00:00:00 to 24:00:00', { kind: 'time-of-day' });
    case 'year': return noPg({ sqlType: 'smallint', dataType: 'smallint' });
    default: return noPg({ sqlType: 'text', dataType: 'text' }, 'a type the snapshot carries as text');
  }
}

function fromPostgres(c: Column, ctx: TypeContext): TargetType {
  const fsp = c.fsp ?? 6;
  const noMy = (t: TargetType, why: string) =>
    lossy(t, `PostgreSQL ${c.sqlType} has no exact MySQL counterpart (${why}); declared as ${t.sqlType}`);
  switch (c.dataType) {
    case 'smallint': return { sqlType: 'smallint', dataType: 'smallint' };
    case 'integer': return { sqlType: 'int', dataType: 'int' };
    case 'bigint': return { sqlType: 'bigint', dataType: 'bigint' };
    case 'real': return { sqlType: 'float', dataType: 'float' };
    case 'double precision': return { sqlType: 'double', dataType: 'double' };
    case 'numeric': {
      if (c.precision === undefined || c.scale === undefined || c.kind === 'text') {
        return noMy({ sqlType: 'decimal(65,30)', dataType: 'decimal' }, 'numeric without precision');
      }
      if (c.precision > 65 || c.scale > 30) {
        return noMy({ sqlType: `decimal(65,${Math.min(c.scale, 30)})`, dataType: 'decimal' }, 'more digits than decimal(65,30)');
      }
      return { sqlType: `decimal(${c.precision},${c.scale})`, dataType: 'decimal' };
    }
    case 'boolean': return noMy({ sqlType: 'tinyint', dataType: 'tinyint' }, 'a boolean without DataJoint\'s :bool: marker');
    case 'uuid': return noMy({ sqlType: 'binary(16)', dataType: 'binary' }, 'a uuid without DataJoint\'s :uuid: marker');
    case 'bytea': return { sqlType: 'longblob', dataType: 'longblob', textLike: true };
    case 'json': case 'jsonb':
      // MariaDB's json is longtext; without DataJoint's :json: marker it reads back as text.
      return ctx.flavor === 'mariadb'
        ? noMy({ sqlType: 'json', dataType: 'longtext', textLike: true }, 'MariaDB stores json as longtext, which reads back as text without a :json: marker')
        : { sqlType: 'json', dataType: 'json', textLike: true };
    case 'date': return { sqlType: 'date', dataType: 'date' };
    case 'timestamp without time zone': return { sqlType: `datetime(${fsp})`, dataType: 'datetime', fsp };
    case 'timestamp with time zone': return noMy({ sqlType: `datetime(${fsp})`, dataType: 'datetime', fsp }, 'time zone');
    case 'time without time zone': return { sqlType: `time(${fsp})`, dataType: 'time', fsp };
    case 'time with time zone': return noMy({ sqlType: `time(${fsp})`, dataType: 'time', fsp }, 'time zone');
    case 'character': {
      const n = c.length ?? 1;
      return n <= 255 ? { sqlType: `char(${n})`, dataType: 'char' } : noMy({ sqlType: `varchar(${n})`, dataType: 'varchar' }, 'longer than 255');
    }
    case 'character varying': {
      if (c.length === undefined) return { sqlType: 'longtext', dataType: 'longtext', textLike: true };
      return c.length <= 16383 ? { sqlType: `varchar(${c.length})`, dataType: 'varchar' }
        : noMy({ sqlType: 'longtext', dataType: 'longtext', textLike: true }, 'longer than a MySQL row holds');
    }
    case 'text': return { sqlType: 'longtext', dataType: 'longtext', textLike: true };
    case 'user-defined': {
      const labels = ctx.enumLabels();
      return labels && labels.length ? enumTarget(labels, ctx) : noMy({ sqlType: 'longtext', dataType: 'longtext', textLike: true }, 'not an enum type of this snapshot');
    }
    default: return noMy({ sqlType: 'longtext', dataType: 'longtext', textLike: true }, 'a type the snapshot carries as text');
  }
}

/**
 * The type DataJoint gives a foreign-key column that copies `parent`: the parent attribute's
 * type as the target's heading reports it (declare.py compile_foreign_key). On PostgreSQL the
 * heading reads `information_schema.columns.data_type`, which drops a timestamp's precision, so
 * a child of a `timestamp(3)` parent is `timestamp without time zone` (6 digits).
 */
export function foreignKeyChildType(parent: TargetType, target: Family): TargetType {
  const { problem: _p, condition: _c, ...type } = parent;
  if (target === 'postgres') {
    if (parent.dataType === 'timestamp without time zone') return { ...type, sqlType: 'timestamp without time zone', fsp: 6 };
    if (parent.dataType === 'time without time zone') return { ...type, sqlType: 'time without time zone', fsp: 6 };
  }
  return type;
}

export function familyName(f: Family): string {
  return SOURCE_NAME[f];
}
