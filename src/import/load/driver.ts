/**
 * The bulk paths (LOAD DATA LOCAL INFILE with a stream factory, COPY FROM STDIN, PGlite's
 * COPY FROM '/dev/blob') need the driver object under a Database: the Database interface has
 * no way to pass a stream or a blob with a statement. Until db/ offers one, this module is the
 * single place that reaches under it, and it checks what it finds so a change in db/ fails here
 * with a clear message instead of somewhere in a driver.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Connection } from 'mysql2';
import type pg from 'pg';
import type { Database } from '../../db/types.js';
import { ImportInternalError } from '../errors.js';

/** The fields the db/ backends keep their driver in (db/mysql|postgres|pglite/database.ts). */
interface DriverFields {
  conn?: unknown;
  client?: unknown;
  pg?: unknown;
}

function missing(db: Database, field: string): never {
  throw new ImportInternalError(`The ${db.dialect} Database object no longer exposes its driver as "${field}"; src/import/load/driver.ts must follow src/db.`, { dialect: db.dialect });
}

export function mysqlConnection(db: Database): Connection {
  const conn = (db as unknown as DriverFields).conn as Connection | undefined;
  if (db.dialect !== 'mysql' || !conn || typeof conn.query !== 'function') return missing(db, 'conn');
  return conn;
}

export function pgClient(db: Database): pg.Client {
  const client = (db as unknown as DriverFields).client as pg.Client | undefined;
  if (db.dialect !== 'postgres' || !client || typeof client.query !== 'function') return missing(db, 'client');
  return client;
}

export function pgliteInstance(db: Database): PGlite {
  const instance = (db as unknown as DriverFields).pg as PGlite | undefined;
  if (db.dialect !== 'pglite' || !instance || typeof instance.query !== 'function') return missing(db, 'pg');
  return instance;
}
