/**
 * The DDL compiler's interface: snapshot manifests in, statements for one target backend out.
 * Same family → the exported catalog replayed exactly; other family → translated through
 * DataJoint's core types and codecs the way DataJoint 2.x declares them on the target.
 */
import type { Family } from '../db/types.js';
import type { SchemaManifest } from '../snapshot/manifest.js';

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

export interface LossyColumn {
  schema: string;
  table: string;
  column: string;
  problem: string;
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
}

export interface DdlPlan {
  /** CREATE DATABASE / CREATE SCHEMA and PostgreSQL enum types, per target schema, in order. */
  schemas: { name: string; sourceName: string; create: string[] }[];
  /** Tables in dependency order (parents first). */
  tables: TablePlan[];
  /** Columns whose type cannot be carried exactly to the target; non-empty needs --lossy. */
  lossy: LossyColumn[];
}

export type PlanDdl = (manifests: SchemaManifest[], options: DdlOptions) => DdlPlan;
