/**
 * The DDL compiler's interface: snapshot manifests in, statements for one target backend out.
 * Same family → the exported catalog replayed exactly; other family → translated through
 * DataJoint's core types and codecs the way DataJoint 2.x declares them on the target.
 */
import type { Family } from '../db/types.js';
import type { SchemaManifest } from '../snapshot/manifest.js';
import type { ValueKind } from '../values/kinds.js';

export interface DdlOptions {
  /** The family the snapshot was exported from (dj-snapshot.json `family`). */
  sourceFamily: Family;
  /** The target backend's family. */
  targetFamily: Family;
  /** Target server flavour, where it matters (MariaDB declares `json` as longtext + CHECK). */
  targetFlavor?: 'mariadb' | 'mysql' | 'postgres';
  /** old schema name → new schema name (from --rename and --prefix) */
  rename: Map<string, string>;
}

/**
 * When a loss depends on the values only, what every value must satisfy for the copy to be
 * exact; an importer may check the rows and drop the entry when they all do.
 */
export type ValueCondition =
  /** datetime/time values have at most `digits` fractional-second digits */
  | { kind: 'fractional-seconds'; digits: number }
  /** time values lie within 00:00:00 … 24:00:00 */
  | { kind: 'time-of-day' }
  /** string/bytes values are at most `length` characters/bytes long */
  | { kind: 'max-length'; length: number };

export interface LossyColumn {
  /** source schema and table names, as in the snapshot */
  schema: string;
  table: string;
  /** the column; for an index problem, the index's columns joined by ", " */
  column: string;
  problem: string;
  /** set for an index that cannot be carried (then `column` lists its columns) */
  index?: string;
  /** set for a table constraint (CHECK, EXCLUDE) that cannot be carried (then `column` is empty) */
  constraint?: string;
  /** set when the loss happens only for some values */
  condition?: ValueCondition;
}

/** A column of a planned table, as the target will have it. */
export interface PlannedColumn {
  name: string;
  /** the column type as written in the plan's DDL */
  sqlType: string;
  /** the value kind the target's catalog gives this column (values/kinds.ts) */
  kind: ValueKind;
  /** computed by the server (generated column): the loader must not write it */
  generated: boolean;
  /** PostgreSQL `GENERATED ALWAYS AS IDENTITY`: inserts need OVERRIDING SYSTEM VALUE */
  identityAlways: boolean;
}

export interface TablePlan {
  /** target schema (after renaming) and table name */
  schema: string;
  name: string;
  /** source schema name, to find the table's files and manifest */
  sourceSchema: string;
  /** CREATE TABLE and what must exist before rows are loaded (indexes, comments). */
  create: string[];
  /** After all rows are in: AUTO_INCREMENT / sequence advances. */
  afterLoad: string[];
  /** The target columns in table order (the snapshot's column order). */
  columns: PlannedColumn[];
}

/**
 * Run every `schemas[].create` (in order), then each table's `create` (in order), load the rows
 * table by table in the same order, then every `afterLoad`.
 */
export interface DdlPlan {
  /** CREATE DATABASE / CREATE SCHEMA and PostgreSQL enum types, per target schema, in order. */
  schemas: { name: string; sourceName: string; create: string[] }[];
  /** Tables in dependency order (parents first). */
  tables: TablePlan[];
  /** Columns whose type cannot be carried exactly to the target; non-empty needs --lossy. */
  lossy: LossyColumn[];
}

export type PlanDdl = (manifests: SchemaManifest[], options: DdlOptions) => DdlPlan;
