/**
 * The ways opening a connection fails, as ConnectionErrors whose messages say what to check.
 * `data.reason` tells them apart for code. A driver's own message is passed on only where it
 * cannot hold a password (drivers never echo one; we never pass ours to a message).
 */
import { ConnectionError } from '../errors/base.js';
import type { ConnectionTarget } from './types.js';
import { displayUrl, serverAddress } from './url.js';

export type ConnectionFailure = 'unreachable' | 'timeout' | 'unknown-host' | 'auth' | 'password-required' | 'unknown-database' | 'other';

function base(target: ConnectionTarget, reason: ConnectionFailure, driverCode?: string): Record<string, unknown> {
  return {
    reason,
    url: displayUrl(target),
    address: serverAddress(target),
    user: target.user,
    ...(driverCode ? { driverCode } : {}),
  };
}

export function unreachable(target: ConnectionTarget, driverCode: string): ConnectionError {
  const addr = serverAddress(target);
  return new ConnectionError(
    `Cannot reach the database server at ${addr} (${driverCode}). Check that the server is running ` +
      'and listening on that host and port, and that no firewall blocks it.',
    base(target, 'unreachable', driverCode),
  );
}

export function timedOut(target: ConnectionTarget, ms: number): ConnectionError {
  const addr = serverAddress(target);
  return new ConnectionError(
    `Connecting to the database server at ${addr} timed out after ${ms} ms. Check that the server ` +
      'is running and reachable from this machine.',
    { ...base(target, 'timeout'), timeoutMs: ms },
  );
}

export function unknownHost(target: ConnectionTarget, driverCode: string): ConnectionError {
  return new ConnectionError(
    `Unknown database host "${target.host}" (${driverCode}). Check the host name in ${displayUrl(target)}.`,
    base(target, 'unknown-host', driverCode),
  );
}

export function authFailed(target: ConnectionTarget, driverCode: string, hadPassword: boolean): ConnectionError {
  const how = hadPassword
    ? 'the password was rejected'
    : 'no password was given (set DJ_PASS or run at a terminal to be prompted)';
  return new ConnectionError(
    `The server at ${serverAddress(target)} refused the login of user "${target.user}": ${how}. ` +
      'Check the user name and password, and that this user may connect from this host.',
    { ...base(target, 'auth', driverCode), passwordGiven: hadPassword },
  );
}

export function passwordRequired(target: ConnectionTarget): ConnectionError {
  return new ConnectionError(
    `The server at ${serverAddress(target)} asks user "${target.user}" for a password, but none was given. ` +
      'Set the environment variable DJ_PASS, or run at a terminal to be prompted.',
    { ...base(target, 'password-required'), passwordGiven: false },
  );
}

export function unknownDatabase(target: ConnectionTarget, driverCode: string): ConnectionError {
  return new ConnectionError(
    `The server at ${serverAddress(target)} has no database "${target.database}". ` +
      'Check the database name at the end of the URL (default "postgres").',
    { ...base(target, 'unknown-database', driverCode), database: target.database },
  );
}

export function otherFailure(target: ConnectionTarget, driverCode: string | undefined, driverMessage: string): ConnectionError {
  return new ConnectionError(
    `Could not connect to ${displayUrl(target)}: ${driverMessage}`,
    base(target, 'other', driverCode),
  );
}

/** Network-level errors shared by both server drivers (Node's socket error codes). */
export function networkFailure(target: ConnectionTarget, code: string | undefined): ConnectionError | undefined {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EPIPE':
      return unreachable(target, code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return unknownHost(target, code);
    default:
      return undefined;
  }
}

/** A message from the driver with the password removed, in case a driver ever echoed it. */
export function scrub(message: string, password: string | undefined): string {
  return password ? message.split(password).join('***') : message;
}
