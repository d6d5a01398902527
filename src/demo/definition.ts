/**
 * Table definitions as data: the lines of a DataJoint definition, each already split into its
 * parts, so the declarer needs no parser. One `TableDef` corresponds to one DataJoint class:
 *
 *     # experiment session                     comment: 'experiment session'
 *     -> Subject                               key: [fk(lab, 'subject'),
 *     session_idx : int16  # session number          attr('session_idx', 'int16', { comment: 'session number' })]
 *     ---
 *     -> [nullable] User.proj(op='user_name')  body: [fk(lab, 'user', { nullable: true, proj: { op: 'user_name' } }),
 *     notes = "" : varchar(1024)                      attr('notes', 'varchar(1024)', { default: '""' }),
 *     unique index (session_date)                     index(['session_date'], { unique: true })]
 */

export interface AttributeLine {
  line: 'attribute';
  name: string;
  /** The type exactly as written: `int32`, `varchar(64)`, `enum('a', 'b')`, `<blob@raw>`, or a native type such as `int unsigned`. */
  type: string;
  /** The default exactly as written after `=`: `null`, `""`, `"abc"`, `'abc'`, `0`, `CURRENT_TIMESTAMP(3)`; absent for none. */
  default?: string;
  /** The comment after `#`, without the `#`. */
  comment?: string;
}

export interface ForeignKeyLine {
  line: 'foreign-key';
  /** The referenced table: its schema (database) name and SQL table name. */
  schema: string;
  table: string;
  /** `.proj(new='old', …)`: child attribute name → parent attribute name. */
  proj?: Record<string, string>;
  nullable?: boolean;
  unique?: boolean;
}

export interface IndexLine {
  line: 'index';
  unique?: boolean;
  columns: string[];
}

export type KeyLine = AttributeLine | ForeignKeyLine;
export type BodyLine = AttributeLine | ForeignKeyLine | IndexLine;

export interface TableDef {
  /** Schema (database) name, prefix included. */
  schema: string;
  /** SQL table name with its tier prefix: `#species`, `session`, `_recording`, `__sorting__unit`, `~~sorting`. */
  name: string;
  comment?: string;
  /** Lines above `---` (the primary key). Empty for a singleton table. */
  key: KeyLine[];
  /** Lines below `---`. */
  body?: BodyLine[];
  /**
   * Declare as DataJoint does with `config.jobs.add_job_metadata = True`: the hidden `_job_*`
   * columns are added when the name looks Computed or Imported (DataJoint's own test).
   */
  jobMetadata?: boolean;
}

export function attr(name: string, type: string, options: { default?: string; comment?: string } = {}): AttributeLine {
  return { line: 'attribute', name, type, ...options };
}

export function fk(
  schema: string,
  table: string,
  options: { proj?: Record<string, string>; nullable?: boolean; unique?: boolean } = {},
): ForeignKeyLine {
  return { line: 'foreign-key', schema, table, ...options };
}

export function index(columns: string[], options: { unique?: boolean } = {}): IndexLine {
  return { line: 'index', columns, ...options };
}
