import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/base.js';
import { displayUrl, parseDatabaseUrl, serverAddress } from '../../src/db/url.js';

function usageError(url: string): UsageError {
  try {
    parseDatabaseUrl(url);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`expected ${url} to be rejected`);
}

describe('parseDatabaseUrl', () => {
  it('reads mysql:// with user, host and port', () => {
    expect(parseDatabaseUrl('mysql://alice@db.example.org:3307')).toEqual({
      dialect: 'mysql', host: 'db.example.org', port: 3307, user: 'alice',
    });
  });

  it('treats mariadb:// as mysql and fills the defaults (root, 3306)', () => {
    expect(parseDatabaseUrl('mariadb://db.example.org')).toEqual({
      dialect: 'mysql', host: 'db.example.org', port: 3306, user: 'root',
    });
    expect(parseDatabaseUrl('MySQL://bob@localhost/')).toEqual({
      dialect: 'mysql', host: 'localhost', port: 3306, user: 'bob',
    });
  });

  it('reads postgres:// and postgresql://, database defaulting to postgres', () => {
    expect(parseDatabaseUrl('postgres://carol@10.0.0.5:5433/lab')).toEqual({
      dialect: 'postgres', host: '10.0.0.5', port: 5433, user: 'carol', database: 'lab',
    });
    expect(parseDatabaseUrl('postgresql://pg.example.org')).toEqual({
      dialect: 'postgres', host: 'pg.example.org', port: 5432, user: 'postgres', database: 'postgres',
    });
  });

  it('decodes percent-encoded user and database names and IPv6 hosts', () => {
    expect(parseDatabaseUrl('postgres://dj%20user@[::1]:6543/my%2Ddb')).toEqual({
      dialect: 'postgres', host: '::1', port: 6543, user: 'dj user', database: 'my-db',
    });
  });

  it('reads pglite:DIR and pglite:memory', () => {
    expect(parseDatabaseUrl('pglite:./data/pipeline')).toEqual({ dialect: 'pglite', dataDir: './data/pipeline' });
    expect(parseDatabaseUrl('pglite:/srv/db')).toEqual({ dialect: 'pglite', dataDir: '/srv/db' });
    expect(parseDatabaseUrl('pglite:memory')).toEqual({ dialect: 'pglite', dataDir: 'memory' });
    expect(parseDatabaseUrl('pglite://rel/dir')).toEqual({ dialect: 'pglite', dataDir: 'rel/dir' });
  });

  it('rejects a password in the URL without repeating it', () => {
    for (const url of [
      'mysql://root:s3cr3t-Pa55@db:3306',
      'postgres://u:s3cr3t-Pa55@db/x',
      'mysql://root:s3cr3t-Pa55@weird@db',
      'mysql://root:@db',
    ]) {
      const err = usageError(url);
      expect(err.message).toMatch(/password/i);
      expect(err.message).toMatch(/DJ_PASS/);
      expect(err.message).not.toContain('s3cr3t');
      expect(JSON.stringify(err.toJSON())).not.toContain('s3cr3t');
    }
  });

  it('does not leak a password even from a URL it cannot parse', () => {
    const err = usageError('mysql://root:s3cr3t/Pa55@db:notaport');
    expect(JSON.stringify(err.toJSON())).not.toContain('s3cr3t');
    expect(JSON.stringify(err.toJSON())).not.toContain('Pa55');
  });

  it('rejects unknown schemes, listing the accepted forms', () => {
    const err = usageError('sqlite:///tmp/x.db');
    expect(err.message).toContain('Unknown database URL scheme "sqlite:"');
    for (const form of ['mysql://', 'postgres://', 'pglite:DIR', 'pglite:memory']) expect(err.message).toContain(form);
    expect(err.exitCode).toBe(2);
  });

  it('rejects malformed URLs with a clear message', () => {
    expect(usageError('localhost:3306').message).toMatch(/Unknown database URL scheme "localhost:"/);
    expect(usageError('db.example.org').message).toMatch(/no scheme/);
    expect(usageError('pglite:').message).toMatch(/data directory or "memory"/);
    expect(usageError('mysql://root@db:99999').message).toMatch(/Malformed/);
    expect(usageError('mysql://root@db/somedb').message).toMatch(/names a server, not a database/);
    expect(usageError('postgres://u@db/a/b').message).toMatch(/at most one path segment/);
    expect(usageError('mysql://root@db?ssl=1').message).toMatch(/no \?query/);
    expect(usageError('mysql://').message).toMatch(/Malformed|no host/);
  });
});

describe('displayUrl', () => {
  it('prints a canonical URL without any password', () => {
    expect(displayUrl(parseDatabaseUrl('mariadb://alice@db:3307'))).toBe('mysql://alice@db:3307');
    expect(displayUrl(parseDatabaseUrl('mysql://db'))).toBe('mysql://root@db:3306');
    expect(displayUrl(parseDatabaseUrl('postgresql://db'))).toBe('postgres://postgres@db:5432/postgres');
    expect(displayUrl(parseDatabaseUrl('postgres://dj%20user@[::1]:6543/lab'))).toBe('postgres://dj%20user@[::1]:6543/lab');
    expect(displayUrl(parseDatabaseUrl('pglite:./x'))).toBe('pglite:./x');
    expect(displayUrl(parseDatabaseUrl('pglite:memory'))).toBe('pglite:memory');
  });

  it('round-trips through parseDatabaseUrl', () => {
    for (const url of ['mysql://a@h:1', 'postgres://b@h:2/c', 'pglite:memory', 'pglite:/d']) {
      expect(displayUrl(parseDatabaseUrl(url))).toBe(url);
    }
  });

  it('serverAddress gives host:port', () => {
    expect(serverAddress(parseDatabaseUrl('mysql://u@db.example.org'))).toBe('db.example.org:3306');
    expect(serverAddress(parseDatabaseUrl('postgres://u@[::1]:7/x'))).toBe('[::1]:7');
  });
});
