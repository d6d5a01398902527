/**
 * Throwaway MariaDB and PostgreSQL servers for the test run, started from the distribution's
 * binaries (never its services, never default ports): each lives in its own directory under
 * one temp dir, listens on 127.0.0.1 at a free port, and has a random per-run password.
 *
 * Clean-up happens three ways: `stop()` from the vitest teardown; a synchronous kill + delete
 * on process exit (crash, Ctrl-C); and a detached watchdog shell that does the same if the
 * test process dies by SIGKILL, when no handler of ours can run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2';
import pg from 'pg';

export type ServerKind = 'mariadb' | 'postgres';

/** What tests need to reach a server; serialisable so vitest can `provide` it. */
export interface ServerInfo {
  kind: ServerKind;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Connection URL without the password. */
  url: string;
  version: string;
  startupMs: number;
}

export interface RunningServer {
  info: ServerInfo;
  pid: number;
  stop(): Promise<void>;
}

export class ServerUnavailable extends Error {}

const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

// ---------------------------------------------------------------------------------------------
// Registry of what this process started, for the exit handler and the watchdog.

const started = new Map<number, { child: ChildProcess; dir: string }>();
const tempDirs = new Set<string>();
let exitHooksInstalled = false;

/** Last-resort clean-up, synchronous because it runs in 'exit' and signal handlers. */
function killAndDeleteNow(): void {
  for (const { child } of started.values()) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // a killed server may still be closing files; the watchdog removes the rest
    }
  }
  tempDirs.clear();
}

/** Have the exit clean-up kill this child too (a helper process of the run, not a server). */
export function registerChild(child: ChildProcess, dir: string): void {
  if (child.pid === undefined) return;
  started.set(child.pid, { child, dir });
  child.once('exit', () => started.delete(child.pid!));
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killAndDeleteNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAndDeleteNow();
      process.removeListener(signal, onSignal);
      // Without other listeners (vitest's), keep the signal's default effect: terminate.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * A temp dir for one test run's servers, removed by `removeRunDir` or at exit. A detached
 * watchdog shell waits for this process to end and then kills whatever still runs from this
 * directory (its command line names it, so a reused pid is never hit) and deletes it: the
 * only clean-up that survives SIGKILL of the test process.
 */
export async function makeRunDir(): Promise<string> {
  installExitHooks();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dj-snapshot-test-'));
  tempDirs.add(dir);
  // The postgres system user must be able to pass through to its own subdirectory.
  await chmod(dir, 0o711);
  startWatchdog(dir);
  return dir;
}

export async function removeRunDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  tempDirs.delete(dir);
}

function startWatchdog(dir: string): void {
  const script = [
    'parent=$1; dir=$2',
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
    '[ -d "$dir" ] || exit 0',
    'for p in /proc/[0-9]*; do',
    '  pid=${p#/proc/}',
    '  [ "$pid" = "$$" ] && continue',
    '  grep -qaF -- "$dir" "$p/cmdline" 2>/dev/null && kill -KILL "$pid" 2>/dev/null',
    'done',
    'sleep 1',
    'rm -rf -- "$dir"',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'dj-snapshot-test-watchdog', String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

// ---------------------------------------------------------------------------------------------
// Helpers

function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin', ...extraDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function tail(file: string, lines = 25): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Run a set-up tool (initdb, mariadb-install-db) to completion, its output in `logFile`. */
async function runToCompletion(cmd: string, args: string[], logFile: string, ids?: { uid: number; gid: number }): Promise<void> {
  const log = await open(logFile, 'a');
  try {
    const child = spawn(cmd, args, { stdio: ['ignore', log.fd, log.fd], env: { ...process.env, LC_ALL: 'C.UTF-8' }, ...(ids ?? {}) });
    const code = await new Promise<number | string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (status, signal) => resolve(status ?? signal ?? 'unknown'));
    });
    if (code !== 0) throw new Error(`${path.basename(cmd)} failed (exit ${code}); log:\n${await tail(logFile)}`);
  } finally {
    await log.close();
  }
}

async function spawnServer(cmd: string, args: string[], logFile: string, dir: string, ids?: { uid: number; gid: number }): Promise<ChildProcess> {
  const log = await open(logFile, 'a');
  const child = spawn(cmd, args, {
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
    ...(ids ?? {}),
  });
  // Listen before awaiting anything else: 'spawn' fires on a later tick and would be missed.
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
  } finally {
    await log.close();
  }
  started.set(child.pid!, { child, dir });
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!exited(child)) {
    await new Promise<void>((resolve) => {
      // A server that ignores the polite signal for too long is killed; the timer must not outlive it.
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
  started.delete(child.pid!);
}

/** Poll `attempt` until it succeeds, the child dies, or time runs out. */
async function waitUntilReady<T>(what: string, child: ChildProcess, logFile: string, attempt: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited(child)) {
      throw new Error(`${what} exited during start-up (code ${child.exitCode ?? child.signalCode}); log:\n${await tail(logFile)}`);
    }
    try {
      return await attempt();
    } catch (err) {
      lastError = err;
      await sleep(100);
    }
  }
  throw new Error(`${what} did not accept connections within ${timeoutMs} ms (${String(lastError)}); log:\n${await tail(logFile)}`);
}

// ---------------------------------------------------------------------------------------------
// MariaDB

function mysqlQuery(conn: mysql.Connection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => conn.query(sql, (err, result) => (err ? reject(err) : resolve(result))));
}

function mysqlConnect(options: mysql.ConnectionOptions): Promise<mysql.Connection> {
  return new Promise((resolve, reject) => {
    const conn = mysql.createConnection(options);
    conn.on('error', () => undefined);
    conn.connect((err) => {
      if (err) {
        conn.destroy();
        reject(err);
      } else {
        resolve(conn);
      }
    });
  });
}

export function findMariadb(): { server: string; installDb: string } {
  const server = findExecutable('mariadbd');
  const installDb = findExecutable('mariadb-install-db');
  if (!server || !installDb) {
    throw new ServerUnavailable(`${server ? 'mariadb-install-db' : 'mariadbd'} not found; install mariadb-server`);
  }
  return { server, installDb };
}

export async function startMariadb(runDir: string, password: string): Promise<RunningServer> {
  const t0 = performance.now();
  const bins = findMariadb();
  const dir = path.join(runDir, 'mariadb');
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const logFile = path.join(dir, 'mariadb.log');
  await mkdir(path.join(dir, 'tmp'), { recursive: true });
  // Test data is thrown away: trade durability for speed.
  const common = [
    '--innodb-log-file-size=48M',
    '--innodb-buffer-pool-size=256M',
    '--innodb-doublewrite=0',
    '--innodb-flush-log-at-trx-commit=0',
    ...(IS_ROOT ? ['--user=root'] : []),
  ];
  await runToCompletion(bins.installDb, [
    '--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal',
    '--skip-test-db', '--skip-name-resolve', ...common,
  ], path.join(dir, 'install.log'));

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = await spawnServer(bins.server, [
      '--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--tmpdir=${path.join(dir, 'tmp')}`, `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve',
      `--log-error=${logFile}`, '--skip-log-bin', '--max-allowed-packet=1G', '--local-infile=ON',
      '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci', ...common,
    ], path.join(dir, 'stdout.log'), dir);
    let admin: mysql.Connection;
    try {
      admin = await waitUntilReady('mariadbd', child, logFile, () => mysqlConnect({ socketPath: socket, user: 'root' }));
    } catch (err) {
      await stopChild(child, 'SIGKILL', 1000);
      // Someone took the port between our probe and the server's bind: try another one.
      if (attempt < 3 && /Can't start server: Bind on TCP\/IP port|Address already in use/.test(await tail(logFile, 50))) continue;
      throw err;
    }
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        await mysqlQuery(admin, `CREATE USER IF NOT EXISTS 'root'@'${host}'`);
        await mysqlQuery(admin, `ALTER USER 'root'@'${host}' IDENTIFIED BY ${mysql.escape(password)}`);
        await mysqlQuery(admin, `GRANT ALL PRIVILEGES ON *.* TO 'root'@'${host}' WITH GRANT OPTION`);
      }
      const rows = await mysqlQuery(admin, 'SELECT VERSION() AS v') as Array<{ v: string }>;
      const info: ServerInfo = {
        kind: 'mariadb', host: '127.0.0.1', port, user: 'root', password,
        url: `mysql://root@127.0.0.1:${port}`, version: rows[0].v, startupMs: Math.round(performance.now() - t0),
      };
      return { info, pid: child.pid!, stop: () => stopChild(child, 'SIGTERM', 30_000) };
    } finally {
      admin.end();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export function findPostgres(): { initdb: string; postgres: string; version: string } {
  const override = process.env.DJ_TEST_PG_BINDIR;
  const candidates: Array<{ bin: string; version: string }> = [];
  if (override) candidates.push({ bin: override, version: 'custom' });
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort((a, b) => Number(b) - Number(a))) {
      candidates.push({ bin: path.join(root, version, 'bin'), version });
    }
  }
  for (const { bin, version } of candidates) {
    const initdb = path.join(bin, 'initdb');
    const postgres = path.join(bin, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres, version };
  }
  throw new ServerUnavailable('initdb/postgres not found under /usr/lib/postgresql/<version>/bin; install postgresql');
}

export async function startPostgres(runDir: string, password: string): Promise<RunningServer> {
  const t0 = performance.now();
  const bins = findPostgres();
  // PostgreSQL refuses to run as root: run it as the postgres system user the package creates.
  const ids = IS_ROOT ? systemUser('postgres') : undefined;
  if (IS_ROOT && !ids) throw new ServerUnavailable('running as root and there is no "postgres" system user to run PostgreSQL as');
  const dir = path.join(runDir, 'postgres');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  await mkdir(dir, { recursive: true });
  if (ids) await chown(dir, ids.uid, ids.gid);
  await runToCompletion(bins.initdb, [
    '-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256',
    '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync',
  ], path.join(dir, 'initdb.log'), ids);

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = await spawnServer(bins.postgres, [
      '-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      // Test data is thrown away: trade durability for speed.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=200', '-c', 'log_statement=none',
    ], logFile, dir, ids);
    let admin: pg.Client;
    try {
      admin = await waitUntilReady('postgres', child, logFile, async () => {
        const client = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
        client.on('error', () => undefined);
        try {
          await client.connect();
        } catch (err) {
          await client.end().catch(() => undefined);
          throw err;
        }
        return client;
      });
    } catch (err) {
      await stopChild(child, 'SIGKILL', 1000);
      if (attempt < 3 && /could not bind|Address already in use/.test(await tail(logFile, 50))) continue;
      throw err;
    }
    try {
      await admin.query(`ALTER USER postgres PASSWORD ${admin.escapeLiteral(password)}`);
      const version = (await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
      const info: ServerInfo = {
        kind: 'postgres', host: '127.0.0.1', port, user: 'postgres', password,
        url: `postgres://postgres@127.0.0.1:${port}/postgres`, version, startupMs: Math.round(performance.now() - t0),
      };
      // SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to disconnect.
      return { info, pid: child.pid!, stop: () => stopChild(child, 'SIGINT', 15_000) };
    } finally {
      await admin.end();
    }
  }
}
