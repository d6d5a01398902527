/**
 * `connect(url)`: the one entry point from a URL to a Database, dispatching on the scheme.
 * The password never comes from the URL (see url.ts): the caller may pass one, else it is
 * taken from `DJ_PASS` or asked for at a terminal (password.ts).
 */
import { resolvePassword, type PasswordSource } from './password.js';
import type { ConnectionTarget, Database } from './types.js';
import { parseDatabaseUrl, serverAddress } from './url.js';

export interface ConnectOptions {
  /** A password from the calling program; when absent, `DJ_PASS` or a prompt (see password.ts). */
  password?: string;
  /** Where `DJ_PASS` and the terminal are looked up (defaults: process.env, stdin, stderr). */
  passwordSource?: PasswordSource;
  /** Give up connecting to a server after this long (default 10 s). */
  connectTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export async function connect(url: string, options: ConnectOptions = {}): Promise<Database> {
  return connectTarget(parseDatabaseUrl(url), options);
}

/**
 * Each dialect's driver is loaded only when a URL asks for it: a process holds one or two of
 * the three (each 6–20 MB of memory), not all.
 */
export async function connectTarget(target: ConnectionTarget, options: ConnectOptions = {}): Promise<Database> {
  if (target.dialect === 'pglite') return (await import('./pglite/connect.js')).connectPglite(target);
  const password = options.password
    ?? await resolvePassword(`${target.user}@${serverAddress(target)}`, options.passwordSource);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return target.dialect === 'mysql'
    ? (await import('./mysql/connect.js')).connectMysql(target, { password, connectTimeoutMs })
    : (await import('./postgres/connect.js')).connectPostgres(target, { password, connectTimeoutMs });
}
