/**
 * The in-memory Pipeline model: everything read from a database catalog that the snapshot
 * writer, the manifests and the importer need. One model, built once, feeds everything
 * downstream; nothing below the catalog queries the database's catalog again.
 */
import type { Family } from '../db/types.js';
import type { ValueKind } from '../values/kinds.js';

export type Tier =
  | 'manual' | 'lookup' | 'imported' | 'computed' | 'part'
  /** `~lineage` (DataJoint 2.x) */
  | 'lineage'
  /** `~~<table>` (2.x) or `~jobs` (0.x) job reservation tables */
  | 'jobs'
  /** any other `~` table: `~log`, `~external_<store>` (0.x) */
  | 'hidden'
  /** a table whose name matches no DataJoint tier pattern */
  | 'plain';

/** How a column's DataJoint type was found. */
export type DjTypeSource = 'marker' | 'foreign-key' | 'native';

export interface Column {
  name: string;
  /** 1-based position in the table */
  position: number;
  /** The full SQL type as the backend declares it: `int unsigned`, `varchar(64)`, `enum('a','b')`, `"s"."enum_1a2b3c4d"`. */
  sqlType: string;
  /** The backend's base type name, lower case: `int`, `varchar`, `longtext`, `timestamp without time zone`, `USER-DEFINED`. */
  dataType: string;
  nullable: boolean;
  /** The default as the catalog reports it (server text), or null for none. */
  default: string | null;
  /** MySQL `EXTRA` (`auto_increment`, `DEFAULT_GENERATED`, `on update current_timestamp()`); PostgreSQL identity/serial notes. */
  extra: string;
  /** The stored comment, verbatim (it carries DataJoint's `:type:` marker). */
  comment: string;
  /** The comment without the marker. */
  userComment: string;
  charset: string | null;
  collation: string | null;
  /** DataJoint type: a core type (`int32`, `varchar(64)`, `datetime(3)`), a codec (`<blob>`, `<blob@store>`), or null for a native type. */
  djType: string | null;
  djTypeSource: DjTypeSource;
  /** How values are carried (values/kinds.ts). */
  kind: ValueKind;
  precision?: number;
  scale?: number;
  /** datetime/time fractional-second digits */
  fsp?: number;
  /** char(n)/varchar(n) length */
  length?: number;
  /** Names starting with `_`: `_singleton`, `_job_*`, `_<sha1>_timestamp` */
  hidden: boolean;
  autoIncrement: boolean;
  /** Set when the value needs a type the project cannot carry exactly across backends (e.g. a PG interval). */
  nativeOnly?: boolean;
}

export type FkAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKey {
  /** Constraint name on the source backend. */
  name: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  onUpdate: FkAction;
  onDelete: FkAction;
}

export interface Index {
  name: string;
  unique: boolean;
  /** Column names in index order; a functional part is null with its expression in `expressions`. */
  columns: (string | null)[];
  /** MySQL prefix lengths per part (null when whole column). */
  subParts?: (number | null)[];
  expressions?: (string | null)[];
  /** PostgreSQL: `pg_get_indexdef` text, schema-qualified. */
  definition?: string;
}

export interface Table {
  schema: string;
  name: string;
  tier: Tier;
  /** Part tables: the master's table name. */
  master: string | null;
  comment: string;
  columns: Column[];
  primaryKey: string[];
  foreignKeys: ForeignKey[];
  indexes: Index[];
  /** MySQL engine and table collation, AUTO_INCREMENT counter (as a decimal string). */
  engine?: string;
  collation?: string | null;
  autoIncrement?: string | null;
  /**
   * The backend's own CREATE TABLE text, with the AUTO_INCREMENT counter removed (it is recorded
   * separately): MySQL `SHOW CREATE TABLE`; PostgreSQL a statement rebuilt from the catalog.
   */
  createSql: string;
  /** PostgreSQL: `CREATE INDEX`, `COMMENT ON`, sequence statements that follow the CREATE TABLE. */
  postSql: string[];
  /** DataJoint definition text, in the style of DataJoint's `describe()` (formats/README.md). */
  definition: string;
  /** PostgreSQL serial/identity sequences owned by columns: name and the value to restart at. */
  sequences?: { column: string; name: string; lastValue: string | null }[];
}

export interface EnumType {
  schema: string;
  name: string;
  labels: string[];
}

export interface Schema {
  name: string;
  /** `2.x` if ~lineage or 2.x markers, `0.x` if ~log/~jobs/~external, `none` otherwise. */
  datajoint: '2.x' | '0.x' | 'none';
  /** MySQL default charset and collation of the database. */
  charset?: string | null;
  collation?: string | null;
  /** PostgreSQL enum types defined in this schema. */
  enumTypes: EnumType[];
  /** Tables in dependency order (parents first, parts right after their masters). */
  tables: Table[];
}

export interface SkippedTable {
  schema: string;
  name: string;
  reason: string;
}

export interface Pipeline {
  family: Family;
  schemas: Schema[];
  /** Tables seen but not exported (jobs tables without --include-jobs, views). */
  skipped: SkippedTable[];
  /** Notes for the user: plain tables in DataJoint schemas, unresolved FK types, … */
  warnings: string[];
}

export function qualifiedName(t: { schema: string; name: string }): string {
  return `${t.schema}.${t.name}`;
}
