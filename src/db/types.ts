/**
 * One small interface over MariaDB/MySQL (mysql2), PostgreSQL (pg) and PGlite, in the spirit
 * of Kysely's dialects: each backend is a folder (`db/mysql`, `db/postgres`, `db/pglite`)
 * exporting a `connect` that returns a `Database`. Everything above this layer speaks SQL
 * of the backend's `family` and never touches a driver.
 */
export type Dialect = 'mysql' | 'postgres' | 'pglite';
/** The SQL family: PGlite speaks PostgreSQL. */
export type Family = 'mysql' | 'postgres';

/**
 * Raw row values as this layer returns them, the same on every backend of a family, chosen so
 * that nothing is lost before normalisation (see values/kinds.ts for the canonical form):
 * - integers that fit in 32 bits: number; 64-bit integers: string (exact)
 * - floats and doubles: number parsed from the server's exact text (MySQL FLOAT columns must be
 *   selected as `CAST(col AS DOUBLE)` by the caller, because the text protocol rounds them)
 * - decimal/numeric: string (exact text)
 * - date/datetime/timestamp/time: the server's text, never a JS Date
 *   (sessions run with time zone UTC)
 * - json/jsonb: the JSON text, never parsed
 * - binary/blob/bytea: Buffer
 * - PostgreSQL boolean: boolean; PostgreSQL uuid: its text form
 * - everything else: the server's text
 */
export type RawValue = string | number | boolean | Buffer | null;

export interface QueryResult<T> {
  rows: T[];
}

export interface Database {
  readonly dialect: Dialect;
  readonly family: Family;
  /** The connection URL without any password, safe to print and record. */
  readonly displayUrl: string;
  /** PostgreSQL: the database holding the schemas; MySQL: undefined. */
  readonly databaseName?: string;

  /** Server version string as reported by the server (e.g. `10.11.19-MariaDB-0+deb12u1`). */
  serverVersion(): Promise<string>;

  /** Run one statement with positional parameters (`?` on MySQL, `$1` on PostgreSQL) and return all rows as objects keyed by column name. */
  query<T = Record<string, RawValue>>(sql: string, params?: unknown[]): Promise<T[]>;

  /** Run one or more statements without results (DDL, SET, …). */
  execute(sql: string): Promise<void>;

  /**
   * Stream the result of one SELECT in batches of row arrays (values in column order), with
   * bounded memory: the driver fetches incrementally and at most about `batchRows` rows are
   * held at once.
   */
  stream(sql: string, options?: { batchRows?: number }): AsyncIterable<RawValue[][]>;

  /**
   * PostgreSQL servers only: the SELECT's rows still encoded as binary COPY rows, in chunks of
   * about `chunkBytes` cut at row boundaries, to be decoded elsewhere (worker threads) into
   * exactly what `stream` gives. Null when binary COPY cannot carry the statement's types.
   */
  streamEncoded?(sql: string, chunkBytes: number): Promise<EncodedRowStream | null>;

  /**
   * Open a read-only transaction that sees one consistent point in time for all later reads
   * on this connection: MySQL `START TRANSACTION WITH CONSISTENT SNAPSHOT` (repeatable read),
   * PostgreSQL `REPEATABLE READ READ ONLY`.
   */
  beginConsistentSnapshot(): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;

  /** Quote an identifier for this family (backticks / double quotes). */
  quoteIdent(name: string): string;

  close(): Promise<void>;
}

/** Parsed connection target; never holds a password. */
export interface ConnectionTarget {
  dialect: Dialect;
  host?: string;
  port?: number;
  user?: string;
  /** PostgreSQL database name (default `postgres`, like DataJoint). */
  database?: string;
  /** PGlite: data directory, or `memory` for an in-memory instance. */
  dataDir?: string;
}

/** Rows in PostgreSQL's binary COPY row format (no header or trailer); see `streamEncoded`. */
export interface EncodedRowStream {
  /** The result columns' type OIDs, which pick the decoders. */
  types: number[];
  chunks: AsyncIterable<{ rows: Buffer; count: number }>;
}
