/** Open a MariaDB/MySQL connection with exact value options and DataJoint's session settings. */
import mysql from 'mysql2';
import type { Connection, QueryError } from 'mysql2';
import {
  authFailed, networkFailure, otherFailure, scrub, timedOut,
} from '../connection-errors.js';
import type { ConnectionTarget, Database } from '../types.js';
import { displayUrl } from '../url.js';
import { MysqlDatabase } from './database.js';
import { CONNECTION_CHARSET, SESSION_SQL } from './session.js';
import { withSession } from '../session-start.js';
import { typeCast, VALUE_OPTIONS } from './values.js';

export interface MysqlConnectOptions {
  password?: string;
  connectTimeoutMs: number;
}

export async function connectMysql(target: ConnectionTarget, options: MysqlConnectOptions): Promise<Database> {
  const conn = mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: options.password,
    charset: CONNECTION_CHARSET,
    ...VALUE_OPTIONS,
    typeCast,
    // Dates never become JS Dates (dateStrings), so this only keeps mysql2 from consulting the local zone.
    timezone: 'Z',
    multipleStatements: true,
    // The importer streams rows with LOAD DATA LOCAL INFILE (the server must allow local_infile too).
    flags: ['LOCAL_FILES'],
    connectTimeout: options.connectTimeoutMs,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      conn.connect((err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    conn.destroy();
    throw translateConnectError(target, err as QueryError, options);
  }
  return withSession(new MysqlDatabase(conn, displayUrl(target)), SESSION_SQL);
}

function translateConnectError(target: ConnectionTarget, err: QueryError, options: MysqlConnectOptions): Error {
  const network = networkFailure(target, err.code);
  if (network) return network;
  switch (err.code) {
    case 'ETIMEDOUT':
      return timedOut(target, options.connectTimeoutMs);
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return authFailed(target, err.code, options.password !== undefined && options.password !== '');
    default:
      return otherFailure(target, err.code, scrub(err.message, options.password));
  }
}
