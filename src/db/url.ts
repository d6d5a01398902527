/**
 * Connection URLs. A URL names where the database is and as whom to log in; it never carries
 * a password (passwords come from `DJ_PASS` or a prompt, see password.ts), so a URL can be
 * printed, logged and recorded in a commit as it is.
 */
import { UsageError } from '../errors/base.js';
import type { ConnectionTarget } from './types.js';

export const ACCEPTED_URL_FORMS = [
  'mysql://USER@HOST[:PORT]            (MariaDB/MySQL; mariadb:// is an alias; port 3306)',
  'postgres://USER@HOST[:PORT][/DB]    (PostgreSQL; postgresql:// is an alias; port 5432, DB postgres)',
  'pglite:DIR                          (embedded PGlite in directory DIR, created if absent)',
  'pglite:memory                       (embedded PGlite in memory, gone when closed)',
] as const;

const DEFAULTS = {
  mysql: { port: 3306, user: 'root' },
  postgres: { port: 5432, user: 'postgres', database: 'postgres' },
} as const;

function usage(problem: string, shown: string): UsageError {
  return new UsageError(
    `${problem}: ${shown}\nAccepted database URLs:\n  ${ACCEPTED_URL_FORMS.join('\n  ')}`,
    { url: shown, accepted: [...ACCEPTED_URL_FORMS] },
  );
}

/** The URL with any `user:password@` part masked, for error messages about malformed input. */
function redact(url: string): string {
  const start = url.indexOf('://');
  const at = url.lastIndexOf('@');
  if (start < 0 || at < start) return url;
  const colon = url.indexOf(':', start + 3);
  // Mask from the first colon of the user part to the LAST '@': a password may itself hold '@' or '/'.
  if (colon < 0 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}

/** Parse a database URL into a connection target; bad input is a UsageError. */
export function parseDatabaseUrl(url: string): ConnectionTarget {
  const text = url.trim();
  const shown = redact(text);
  const schemeMatch = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  if (!schemeMatch) throw usage('Not a database URL (no scheme)', shown);
  const scheme = schemeMatch[1].toLowerCase();

  if (scheme === 'pglite') {
    let dir = text.slice(schemeMatch[0].length);
    // Accept pglite://DIR too, a common slip; the plain form is the documented one.
    if (dir.startsWith('//')) dir = dir.slice(2);
    if (dir === '') throw usage('pglite: needs a data directory or "memory"', shown);
    return { dialect: 'pglite', dataDir: dir.toLowerCase() === 'memory' ? 'memory' : dir };
  }

  const family = scheme === 'mysql' || scheme === 'mariadb' ? 'mysql'
    : scheme === 'postgres' || scheme === 'postgresql' ? 'postgres'
      : undefined;
  if (family === undefined) throw usage(`Unknown database URL scheme "${scheme}:"`, shown);

  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw usage('Malformed database URL', shown);
  }
  if (parsed.password !== '' || /^[a-z][a-z0-9+.-]*:\/\/[^@/?#]*:[^@/?#]*@/i.test(text)) {
    throw new UsageError(
      `The database URL contains a password (${shown}). Remove it from the URL: ` +
        'set the password in the environment variable DJ_PASS, or leave DJ_PASS unset to be prompted for it.',
      { url: shown },
    );
  }
  if (parsed.hostname === '') throw usage('The database URL has no host', shown);
  if (parsed.search !== '' || parsed.hash !== '') {
    throw usage('Database URLs take no ?query or #fragment', shown);
  }

  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  const user = parsed.username === '' ? DEFAULTS[family].user : decodeURIComponent(parsed.username);
  const port = parsed.port === '' ? DEFAULTS[family].port : Number(parsed.port);
  const path = parsed.pathname;

  if (family === 'mysql') {
    if (path !== '' && path !== '/') {
      throw usage(
        'A mysql:// URL names a server, not a database (DataJoint schemas are chosen separately)',
        shown,
      );
    }
    return { dialect: 'mysql', host, port, user };
  }
  const dbPart = path.replace(/^\//, '');
  if (dbPart.includes('/')) throw usage('A postgres:// URL takes at most one path segment, the database name', shown);
  const database = dbPart === '' ? DEFAULTS.postgres.database : decodeURIComponent(dbPart);
  return { dialect: 'postgres', host, port, user, database };
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The canonical, password-free text of a target, safe to print and record. */
export function displayUrl(target: ConnectionTarget): string {
  switch (target.dialect) {
    case 'pglite':
      return `pglite:${target.dataDir ?? 'memory'}`;
    case 'mysql':
      return `mysql://${encodeURIComponent(target.user ?? DEFAULTS.mysql.user)}@${hostPort(
        target.host ?? 'localhost', target.port ?? DEFAULTS.mysql.port)}`;
    case 'postgres':
      return `postgres://${encodeURIComponent(target.user ?? DEFAULTS.postgres.user)}@${hostPort(
        target.host ?? 'localhost', target.port ?? DEFAULTS.postgres.port)}/${encodeURIComponent(
        target.database ?? DEFAULTS.postgres.database)}`;
  }
}

/** `host:port` of a server target, for messages. */
export function serverAddress(target: ConnectionTarget): string {
  const port = target.port ?? (target.dialect === 'mysql' ? DEFAULTS.mysql.port : DEFAULTS.postgres.port);
  return hostPort(target.host ?? 'localhost', port);
}
