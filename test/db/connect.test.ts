/**
 * connect(): every backend opens with its session settings, runs statements and transactions,
 * and every way of failing to connect is a typed error that says what to check and never
 * contains the password.
 */
import { EventEmitter } from 'node:events';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { CLOSE_GRACE_MS } from '../../src/db/socket-close.js';
import type { Database } from '../../src/db/types.js';
import { ConnectionError, DjSnapshotError, TargetError } from '../../src/errors/base.js';
import { forEachBackend, scratchDir, useScratch } from '../support/backends.js';

async function failure(promise: Promise<unknown>): Promise<DjSnapshotError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DjSnapshotError);
    return err as DjSnapshotError;
  }
  throw new Error('expected the connection to fail');
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** No DJ_PASS and stdin not a terminal: no password at all. */
const NO_PASSWORD_SOURCE = {
  env: {},
  input: Object.assign(new EventEmitter(), { isTTY: false, resume: () => undefined, pause: () => undefined }),
};

forEachBackend((backend) => {
  const scratch = useScratch(backend);
  let db: Database;
  beforeAll(async () => {
    db = await scratch().connect();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports dialect, family, a password-free URL and the server version', async () => {
    expect(db.dialect).toBe(backend.dialect);
    expect(db.family).toBe(backend.family);
    expect(db.displayUrl).toBe(scratch().url);
    if (scratch().password) expect(db.displayUrl).not.toContain(scratch().password);
    const version = await db.serverVersion();
    const expected = { mariadb: /^10\.\d+\.\d+-MariaDB/, postgres: /^PostgreSQL 1\d\.\d+/, pglite: /^PostgreSQL 18\.\d+ \(PGlite 0\.5\.14\)/ };
    expect(version).toMatch(expected[backend.name]);
    if (backend.family === 'postgres') expect(db.databaseName).toBeTruthy();
    else expect(db.databaseName).toBeUndefined();
  });

  it('runs with fixed session settings (UTC, strict modes)', async () => {
    if (backend.family === 'mysql') {
      const [s] = await db.query<Record<string, string>>('SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode, @@session.character_set_client AS cs');
      expect(s.tz).toBe('+00:00');
      expect(s.mode.split(',').sort()).toEqual([
        'ERROR_FOR_DIVISION_BY_ZERO', 'NO_ENGINE_SUBSTITUTION', 'NO_ZERO_DATE', 'NO_ZERO_IN_DATE', 'ONLY_FULL_GROUP_BY', 'STRICT_ALL_TABLES',
      ]);
      expect(s.cs).toBe('utf8mb4');
    } else {
      const settings = await db.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('TimeZone', 'DateStyle', 'IntervalStyle', 'extra_float_digits', 'bytea_output', 'client_encoding') ORDER BY name`);
      expect(Object.fromEntries(settings.map((r) => [r.name, r.setting]))).toEqual({
        DateStyle: 'ISO, MDY', IntervalStyle: 'postgres', TimeZone: 'UTC', bytea_output: 'hex', client_encoding: 'UTF8', extra_float_digits: '3',
      });
    }
  });

  it('executes several statements at once, queries with parameters, quotes identifiers', async () => {
    const schema = `${scratch().prefix}conn`;
    const odd = backend.family === 'mysql' ? 'we`ird "name' : 'we"ird `name';
    const table = `${db.quoteIdent(schema)}.${db.quoteIdent(odd)}`;
    await db.execute(`${backend.family === 'mysql' ? 'CREATE DATABASE' : 'CREATE SCHEMA'} ${db.quoteIdent(schema)};
      CREATE TABLE ${table} (id int PRIMARY KEY, label varchar(20));
      INSERT INTO ${table} VALUES (1, 'one'), (2, 'two')`);
    const p = (n: number): string => (backend.family === 'mysql' ? '?' : `$${n}`);
    expect(await db.query(`SELECT id, label FROM ${table} WHERE id = ${p(1)} OR label = ${p(2)} ORDER BY id`, [1, 'two']))
      .toEqual([{ id: 1, label: 'one' }, { id: 2, label: 'two' }]);
    expect(await db.query(`UPDATE ${table} SET label = 'uno' WHERE id = 1`)).toEqual([]);

    await db.begin();
    await db.execute(`INSERT INTO ${table} VALUES (3, 'three')`);
    await db.rollback();
    await db.begin();
    await db.execute(`INSERT INTO ${table} VALUES (4, 'four')`);
    await db.commit();
    expect((await db.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id)).toEqual([1, 2, 4]);
  });

  it('passes SQL errors through with the server\'s message', async () => {
    await expect(db.query('SELECT * FROM information_schema.no_such_table_here')).rejects.toThrow(/no_such_table_here/);
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  if (backend.server) {
    const server = backend.server;
    describe('connection failures', () => {
      it('wrong password: ConnectionError naming the user, never the password', async () => {
        const wrong = 'Wr0ng-' + 'pa55word-xyzzy';
        const err = await failure(connect(server.url, { password: wrong }));
        expect(err).toBeInstanceOf(ConnectionError);
        expect(err.exitCode).toBe(3);
        expect(err.data.reason).toBe('auth');
        expect(err.message).toContain(`"${server.user}"`);
        expect(err.message).toContain(`${server.host}:${server.port}`);
        const everything = `${err.message} ${JSON.stringify(err.toJSON())} ${String(err.stack)}`;
        expect(everything).not.toContain(wrong);
        expect(everything).not.toContain(server.password);
      });

      it('no password available (no DJ_PASS, no terminal): says how to give one', async () => {
        const err = await failure(connect(server.url, { passwordSource: NO_PASSWORD_SOURCE }));
        expect(err).toBeInstanceOf(ConnectionError);
        expect(['auth', 'password-required']).toContain(err.data.reason);
        expect(err.message).toMatch(/DJ_PASS/);
      });

      it('takes the password from DJ_PASS', async () => {
        const viaEnv = await connect(server.url, { passwordSource: { env: { DJ_PASS: server.password } } });
        expect(await viaEnv.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
        await viaEnv.close();
      });

      it('unreachable port: ConnectionError naming host:port', async () => {
        const port = await closedPort();
        const url = server.url.replace(`:${server.port}`, `:${port}`);
        const err = await failure(connect(url, { password: server.password }));
        expect(err).toBeInstanceOf(ConnectionError);
        expect(err.data.reason).toBe('unreachable');
        expect(err.message).toContain(`127.0.0.1:${port}`);
        expect(err.message).toMatch(/server is running/);
        expect(JSON.stringify(err.toJSON())).not.toContain(server.password);
      });

      it('a server that never answers: ConnectionError after the timeout', async () => {
        const silent = net.createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        const { port } = silent.address() as net.AddressInfo;
        try {
          const url = server.url.replace(`:${server.port}`, `:${port}`);
          const t0 = Date.now();
          const err = await failure(connect(url, { password: server.password, connectTimeoutMs: 500 }));
          expect(Date.now() - t0).toBeLessThan(5000);
          expect(err).toBeInstanceOf(ConnectionError);
          expect(err.data.reason).toBe('timeout');
          expect(err.message).toContain(`127.0.0.1:${port}`);
        } finally {
          silent.close();
        }
      });

      it('close() returns and drops the socket, within a grace period, when the server stops answering', async () => {
        // A proxy that forwards until frozen, then keeps both connections open and silent (it
        // answers no FIN either): a hung server or a dropped network, where a polite goodbye
        // leaves the socket open for ever, and with it the process.
        let frozen = false;
        let ours: net.Socket | undefined;
        const upstreams: net.Socket[] = [];
        const proxy = net.createServer({ allowHalfOpen: true }, (client) => {
          ours = client;
          const upstream = net.connect({ port: server.port, host: server.host, allowHalfOpen: true });
          upstreams.push(upstream);
          for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
            from.on('data', (d) => { if (!frozen) to.write(d); });
            from.on('end', () => { if (!frozen) to.end(); });
            from.on('error', () => undefined);
          }
        });
        await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
        const { port } = proxy.address() as net.AddressInfo;
        try {
          const viaProxy = await connect(server.url.replace(`:${server.port}`, `:${port}`), { password: server.password });
          expect(await viaProxy.query('SELECT 1 AS one')).toHaveLength(1);
          frozen = true;
          const t0 = Date.now();
          await viaProxy.close();
          expect(Date.now() - t0).toBeLessThan(CLOSE_GRACE_MS + 2000);
          // A socket only half-closed still takes bytes; a closed one answers them with a reset,
          // which the next write reports.
          const peer = ours!;
          const reset = new Promise<void>((resolve) => peer.once('close', () => resolve()));
          peer.write('are you there?');
          await new Promise((resolve) => setTimeout(resolve, 200));
          if (!peer.destroyed) peer.write('hello?');
          const outcome = await Promise.race([reset.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 2000))]);
          expect(outcome).toBe('closed');
        } finally {
          ours?.destroy();
          for (const s of upstreams) s.destroy();
          proxy.close();
        }
      });

      it('unknown host: ConnectionError naming the host', async () => {
        const url = server.url.replace('127.0.0.1', 'no-such-host.invalid');
        const err = await failure(connect(url, { password: server.password }));
        expect(err).toBeInstanceOf(ConnectionError);
        expect(['unknown-host', 'timeout', 'unreachable']).toContain(err.data.reason);
        expect(err.message).toContain('no-such-host.invalid');
      });

      if (backend.family === 'postgres') {
        it('unknown database: ConnectionError naming it', async () => {
          const url = `postgres://${server.user}@${server.host}:${server.port}/no_such_db`;
          const err = await failure(connect(url, { password: server.password }));
          expect(err).toBeInstanceOf(ConnectionError);
          expect(err.data.reason).toBe('unknown-database');
          expect(err.message).toContain('"no_such_db"');
        });
      }
    });
  }
}, ['mariadb', 'postgres']);

forEachBackend((backend) => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir('pglite-connect-');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a missing data directory, keeps data across connections, and is a single writer', async () => {
    const url = `pglite:${path.join(dir, 'made', 'here')}`;
    const first = await connect(url);
    expect(first.dialect).toBe('pglite');
    expect(first.displayUrl).toBe(url);
    await first.execute('CREATE TABLE kept (id int PRIMARY KEY); INSERT INTO kept VALUES (42)');
    const err = await failure(connect(url));
    expect(err).toBeInstanceOf(TargetError);
    expect(err.code).toBe('pglite-dir-in-use');
    await first.close();
    const second = await connect(url);
    expect(await second.query('SELECT id FROM kept')).toEqual([{ id: 42 }]);
    await second.close();
  });

  it('pglite:memory is a fresh database each time', async () => {
    const a = await connect('pglite:memory');
    await a.execute('CREATE TABLE only_here (id int)');
    const b = await connect('pglite:memory');
    expect(await b.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_here'`)).toEqual([{ n: 0 }]);
    await Promise.all([a.close(), b.close()]);
  });

  it('a data directory that cannot be created is a TargetError', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'not a directory');
    const err = await failure(connect(`pglite:${path.join(file, 'db')}`));
    expect(err).toBeInstanceOf(TargetError);
    expect(err.code).toBe('pglite-dir-not-writable');
    expect(err.exitCode).toBe(4);
    expect(err.message).toContain(path.join(file, 'db'));
  });

  it('a non-empty directory that is not a database is refused, untouched', async () => {
    const other = path.join(dir, 'thesis');
    await mkdir(other);
    await writeFile(path.join(other, 'notes.txt'), 'my thesis, not a database');
    const err = await failure(connect(`pglite:${other}`));
    expect(err).toBeInstanceOf(TargetError);
    expect(err.code).toBe('pglite-dir-not-database');
    expect(await readdir(other)).toEqual(['notes.txt']);
  });

  it('a data directory PGlite cannot start from is a TargetError', async () => {
    const broken = path.join(dir, 'broken');
    await mkdir(broken);
    await writeFile(path.join(broken, 'PG_VERSION'), '9.6\n');
    const err = await failure(connect(`pglite:${broken}`));
    expect(err).toBeInstanceOf(TargetError);
    expect(err.code).toBe('pglite-open');
    // The directory can be opened again afterwards (the failed attempt released it).
    expect((await failure(connect(`pglite:${broken}`))).code).toBe('pglite-open');
  });
}, ['pglite']);
