/** Open a PostgreSQL connection with exact value parsers and fixed session settings. */
import pg from 'pg';
import {
  authFailed, networkFailure, otherFailure, passwordRequired, scrub, timedOut, unknownDatabase,
} from '../connection-errors.js';
import type { ConnectionTarget, Database } from '../types.js';
import { displayUrl } from '../url.js';
import { PostgresDatabase } from './database.js';
import { SESSION_SQL } from './session.js';
import { withSession } from '../session-start.js';
import { PG_TYPES } from './values.js';

export interface PostgresConnectOptions {
  password?: string;
  connectTimeoutMs: number;
}

interface PgError extends Error {
  code?: string;
}

export async function connectPostgres(target: ConnectionTarget, options: PostgresConnectOptions): Promise<Database> {
  const database = target.database ?? 'postgres';
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    database,
    password: options.password,
    types: PG_TYPES,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'dj-snapshot',
  });
  // Errors after a failed connect are reported by connect() itself; swallow the duplicate event.
  const ignore = (): void => {};
  client.on('error', ignore);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(ignore);
    throw translateConnectError({ ...target, database }, err as PgError, options);
  }
  client.removeListener('error', ignore);
  return withSession(new PostgresDatabase(client, displayUrl({ ...target, database }), database), SESSION_SQL);
}

function translateConnectError(target: ConnectionTarget, err: PgError, options: PostgresConnectOptions): Error {
  const network = networkFailure(target, err.code);
  if (network) return network;
  const hadPassword = options.password !== undefined && options.password !== '';
  switch (err.code) {
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification (no pg_hba entry, unknown role)
      return authFailed(target, err.code, hadPassword);
    case '3D000': // invalid_catalog_name
      return unknownDatabase(target, err.code);
    default:
      break;
  }
  if (/timeout/i.test(err.message)) return timedOut(target, options.connectTimeoutMs);
  // pg raises this itself when the server asks for SCRAM/MD5 and no password string was given.
  if (/password must be a string|no password supplied/i.test(err.message)) return passwordRequired(target);
  return otherFailure(target, err.code, scrub(err.message, options.password));
}
