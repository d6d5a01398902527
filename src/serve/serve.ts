/**
 * dj-serve: a snapshot served to DataJoint over the PostgreSQL wire protocol, with no server
 * installed. The snapshot is imported (and verified) into an in-memory PGlite in-process,
 * its objects are written into local file stores, the session is reset, and
 * `@electric-sql/pglite-socket` serves the instance.
 *
 * What the embedding imposes (measured with DataJoint 2.3.2 and psql against PGlite 0.5.14 /
 * pglite-socket 0.2.17):
 * - every client shares ONE database session: session settings and temporary tables are
 *   shared, and an open transaction makes every other client wait until it ends;
 * - there is no authentication and no SSL, so the default address is loopback;
 * - `COPY … FROM STDIN` would end the process; copy-guard.ts refuses it with an error;
 * - CancelRequest is ignored: a running query cannot be cancelled from the client;
 * - the server is PostgreSQL 18: pg_dump older than 18 refuses to dump it (use dj-export);
 * - the data lives in memory (~0.5 GB RSS, ~0.75 GB without the start-up cache) and is gone
 *   at exit unless exported.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { UsageError } from '../errors/base.js';
import type { ProgressListener } from '../export/progress.js';
import { importSnapshot, type ImportResult } from '../import/import.js';
import { openSnapshot } from '../import/source.js';
import { PIPELINE_MANIFEST } from '../snapshot/layout.js';
import { guardCopyFromStdin, type CopyRefusedListener } from './copy-guard.js';
import {
  dataJointEnv, dataJointSettings, envLine, fileStores, SERVED_DATABASE, SERVED_USER, storeConfigOf,
  type DataJointSettings,
} from './datajoint-settings.js';
import { ListenError, ServeCancelledError } from './errors.js';
import { defaultCacheDir, startMemoryPglite } from './pglite-start.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 5432;
/** DataJoint opens several connections (reconnects, populate workers); pglite-socket's default is 1. */
export const DEFAULT_MAX_CONNECTIONS = 32;

export interface ServeOptions {
  /** A snapshot repository (read at `ref`, default HEAD) or a plain snapshot directory. */
  snapshot: string;
  ref?: string;
  /** Address to listen on (default 127.0.0.1). Anything but loopback lets others in without a password. */
  host?: string;
  /** Port to listen on (default 5432; 0 picks a free port). */
  port?: number;
  /** Folder for the object stores (one sub-folder per store); default a temporary folder removed by close(). */
  stores?: string;
  /**
   * Serve a snapshot whose columns PostgreSQL cannot hold exactly (a MySQL-only native type, say):
   * the import goes on and names those tables as lossy, instead of refusing.
   */
  lossy?: boolean;
  maxConnections?: number;
  onProgress?: ProgressListener;
  /** A client sent `COPY … FROM STDIN`; it got an error and the server goes on. */
  onCopyRefused?: CopyRefusedListener;
  /**
   * Folder for the saved empty PGlite cluster that makes later starts faster (pglite-start.ts);
   * default `$XDG_CACHE_HOME/dj-snapshot` or `~/.cache/dj-snapshot`; null: no cache.
   */
  cacheDir?: string | null;
  /** Abandon the start-up (checked between its steps); the reason names the signal. */
  signal?: AbortSignal;
}

export interface ServedSnapshot {
  /** Where clients connect: the bound address, or loopback when bound to every interface. */
  host: string;
  /** The address the server is bound to, as given. */
  boundHost: string;
  port: number;
  database: string;
  user: string;
  /** `postgres://postgres@host:port/postgres`, for psql and dj-export (any password is accepted). */
  url: string;
  settings: DataJointSettings;
  /** DataJoint's environment variables for these settings, and the same as a shell line. */
  env: Record<string, string>;
  envLine: string;
  /** Where the objects are, and whether close() removes them. */
  storesDir: string;
  storesTemporary: boolean;
  /** True unless bound to a loopback address: anyone who can reach the port can read and write. */
  exposed: boolean;
  serverVersion: string;
  /** PGlite started from the cached empty cluster instead of running initdb. */
  startedFromCache: boolean;
  import: ImportResult;
  /** Seconds from the call to listening. */
  seconds: number;
  /** Stop listening (dropping clients), close the database, remove temporary stores. Idempotent. */
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1].startsWith('127.');
}

/** Clients reach a wildcard binding through loopback on this machine. */
function clientHost(boundHost: string): string {
  if (boundHost === '0.0.0.0') return '127.0.0.1';
  if (boundHost === '::' || boundHost === '[::]') return '::1';
  return boundHost.replace(/^\[|\]$/g, '');
}

function checkOptions(options: ServeOptions): { host: string; port: number; maxConnections: number } {
  const host = (options.host ?? DEFAULT_HOST).trim();
  if (!host) throw new UsageError('--host must not be empty; the default is 127.0.0.1 (this machine only).');
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not ${JSON.stringify(options.port)}.`, { port: options.port });
  }
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (!Number.isInteger(maxConnections) || maxConnections < 2) {
    throw new UsageError(`maxConnections must be a whole number of at least 2 (DataJoint opens more than one connection), not ${maxConnections}.`);
  }
  return { host, port, maxConnections };
}

/** The store names the snapshot's objects use (the import verifies everything else). */
async function snapshotStoreNames(snapshot: string, ref: string | undefined): Promise<string[]> {
  const files = await openSnapshot(snapshot, ref);
  if (!files.paths().has(PIPELINE_MANIFEST)) return [];
  try {
    const manifest = JSON.parse(await files.readText(PIPELINE_MANIFEST)) as { objects?: { stores?: unknown } };
    const stores = manifest.objects?.stores;
    return Array.isArray(stores) ? stores.filter((s): s is string => typeof s === 'string' && s !== '') : [];
  } catch {
    // A broken manifest is reported by the import's verification, with the file named.
    return [];
  }
}

export async function serveSnapshot(options: ServeOptions): Promise<ServedSnapshot> {
  const started = performance.now();
  const { host: boundHost, port: wantedPort, maxConnections } = checkOptions(options);
  const progress = options.onProgress ?? (() => {});
  const storesTemporary = options.stores === undefined;
  const storesDir = storesTemporary
    ? await mkdtemp(path.join(os.tmpdir(), 'dj-serve-stores-'))
    : path.resolve(options.stores!);
  // Temporary stores also go when the process ends without close() (a crash, process.exit).
  const removeOnExit = (): void => rmSync(storesDir, { recursive: true, force: true });
  if (storesTemporary) process.once('exit', removeOnExit);
  const removeTemporaryStores = async (): Promise<void> => {
    if (!storesTemporary) return;
    process.off('exit', removeOnExit);
    await rm(storesDir, { recursive: true, force: true });
  };
  let pg: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  const cleanUp = async (): Promise<void> => {
    if (server) await stopServer(server);
    if (pg && !pg.closed) await pg.close().catch(() => undefined);
    await removeTemporaryStores();
  };
  const checkCancelled = (): void => {
    if (options.signal?.aborted) throw new ServeCancelledError(String(options.signal.reason ?? 'aborted'));
  };
  try {
    checkCancelled();
    // Fail fast on a taken port, before seconds of loading (the real listen can still fail later).
    if (wantedPort !== 0) await probeListen(boundHost, wantedPort);
    const stores = fileStores(storesDir, await snapshotStoreNames(options.snapshot, options.ref));
    if (!storesTemporary) await mkdir(storesDir, { recursive: true });
    progress({ type: 'phase', phase: 'starting an in-memory PGlite database' });
    const opened = await startMemoryPglite(options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir);
    pg = opened.pg;
    checkCancelled();
    const imported = await importSnapshot({
      snapshot: options.snapshot, ref: options.ref, db: opened.db, stores: storeConfigOf(stores), onProgress: progress,
      lossy: options.lossy,
    });
    const serverVersion = await opened.db.serverVersion();
    // The load's session settings (UTC, float digits, …) must not leak to the clients, who all
    // share this one session.
    if (pg.isInTransaction()) await pg.exec('ROLLBACK');
    await pg.exec('RESET ALL');
    checkCancelled();
    server = new PGLiteSocketServer({
      db: guardCopyFromStdin(pg, options.onCopyRefused), host: boundHost, port: wantedPort, maxConnections,
    });
    await listen(server, boundHost, wantedPort);
    const port = boundPort(server);
    const host = clientHost(boundHost);
    const settings = dataJointSettings(host, port, stores);
    const env = dataJointEnv(settings);
    let closing: Promise<void> | null = null;
    const servedPg = pg;
    const servedServer = server;
    return {
      host,
      boundHost,
      port,
      database: SERVED_DATABASE,
      user: SERVED_USER,
      url: `postgres://${SERVED_USER}@${host.includes(':') ? `[${host}]` : host}:${port}/${SERVED_DATABASE}`,
      settings,
      env,
      envLine: envLine(env),
      storesDir,
      storesTemporary,
      exposed: !isLoopback(boundHost),
      serverVersion,
      startedFromCache: opened.fromCache,
      import: imported,
      seconds: (performance.now() - started) / 1000,
      close: () => {
        closing ??= (async () => {
          await stopServer(servedServer);
          if (!servedPg.closed) await servedPg.close().catch(() => undefined);
          await removeTemporaryStores();
        })();
        return closing;
      },
    };
  } catch (e) {
    await cleanUp().catch(() => undefined);
    throw e;
  }
}

async function listen(server: PGLiteSocketServer, host: string, port: number): Promise<void> {
  try {
    await server.start();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ListenError(host, port, err.code ?? 'error', err.message);
  }
}

/** Listen on host:port and close again at once; a ListenError when that is not possible. */
function probeListen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError(host, port, err.code ?? 'error', err.message)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** pglite-socket reports its address as `host:port` (the port last, also for IPv6 hosts). */
function boundPort(server: PGLiteSocketServer): number {
  const conn = server.getServerConn();
  return Number(conn.slice(conn.lastIndexOf(':') + 1));
}

/**
 * Stop listening and drop every client. pglite-socket's stop() waits for the sockets to
 * close; a client that never acknowledges must not hold the shutdown forever.
 */
async function stopServer(server: PGLiteSocketServer, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    server.stop().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
