/**
 * Run an integration suite on every backend: `forEachBackend((backend) => { ... })` declares
 * the suite once per backend (MariaDB, PostgreSQL, PGlite), skipped loudly where a server is
 * unavailable. `backend.createScratch()` (or `useScratch(backend)` inside the suite) gives an
 * isolated place to work: on MariaDB a unique schema-name prefix, on PostgreSQL a fresh
 * database, on PGlite a fresh data directory; everything is removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { connect } from '../../src/db/connect.js';
import type { Database, Dialect, Family } from '../../src/db/types.js';
import { isAvailable, type TestServersContext } from './context.js';
import { waitForPgliteTemplate } from './pglite-template.js';
import type { ServerInfo } from './servers.js';

export type BackendName = 'mariadb' | 'postgres' | 'pglite';

export interface Scratch {
  backend: BackendName;
  /** Where to connect (no password in it). */
  url: string;
  /** Password for `url`, or undefined (PGlite). */
  password: string | undefined;
  /** Unique prefix for schema names made in this scratch space, e.g. `t3f9a1c_`. */
  prefix: string;
  /** Open a connection to the scratch space; it is closed by `cleanup()` if still open. */
  connect(): Promise<Database>;
  /** Close connections opened through `connect()` and drop everything made in the scratch space. */
  cleanup(): Promise<void>;
}

export interface TestBackend {
  name: BackendName;
  label: string;
  dialect: Dialect;
  family: Family;
  /** Why this backend's suites are skipped, or undefined when it is available. */
  skipReason: string | undefined;
  /** Server coordinates (MariaDB, PostgreSQL); undefined for PGlite. */
  server: ServerInfo | undefined;
  createScratch(): Promise<Scratch>;
}

function context(): Partial<TestServersContext> {
  // Without the globalSetup the key is simply absent.
  return (inject('djTestServers') as TestServersContext | undefined) ?? {};
}

const NOT_SET_UP = 'the test servers were not started: vitest needs `globalSetup: [\'test/support/global-setup.ts\']`';

function uniqueToken(): string {
  return randomBytes(4).toString('hex');
}

class Tracker {
  private readonly open = new Set<Database>();
  async connect(url: string, password: string | undefined): Promise<Database> {
    const db = await connect(url, { password, passwordSource: { env: {} } });
    const close = db.close.bind(db);
    db.close = async () => {
      this.open.delete(db);
      await close();
    };
    this.open.add(db);
    return db;
  }
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open].map((db) => db.close()));
  }
}

async function mariadbScratch(server: ServerInfo): Promise<Scratch> {
  const prefix = `t${uniqueToken()}_`;
  const tracker = new Tracker();
  return {
    backend: 'mariadb',
    url: server.url,
    password: server.password,
    prefix,
    connect: () => tracker.connect(server.url, server.password),
    async cleanup() {
      await tracker.closeAll();
      const admin = await connect(server.url, { password: server.password });
      try {
        // Schemas may reference each other; drop them in any order.
        await admin.execute('SET SESSION foreign_key_checks = 0');
        const rows = await admin.query<{ name: string }>(
          'SELECT schema_name AS name FROM information_schema.schemata WHERE LEFT(schema_name, ?) = ?',
          [prefix.length, prefix],
        );
        for (const { name } of rows) await admin.execute(`DROP DATABASE ${admin.quoteIdent(name)}`);
      } finally {
        await admin.close();
      }
    },
  };
}

async function postgresScratch(server: ServerInfo): Promise<Scratch> {
  const token = uniqueToken();
  const database = `djtest_${token}`;
  const admin = await connect(server.url, { password: server.password });
  try {
    await admin.execute(`CREATE DATABASE ${admin.quoteIdent(database)}`);
  } finally {
    await admin.close();
  }
  const url = `postgres://${server.user}@${server.host}:${server.port}/${database}`;
  const tracker = new Tracker();
  return {
    backend: 'postgres',
    url,
    password: server.password,
    prefix: `t${token}_`,
    connect: () => tracker.connect(url, server.password),
    async cleanup() {
      await tracker.closeAll();
      const dropper = await connect(server.url, { password: server.password });
      try {
        await dropper.execute(`DROP DATABASE IF EXISTS ${dropper.quoteIdent(database)} WITH (FORCE)`);
      } finally {
        await dropper.close();
      }
    },
  };
}

async function pgliteScratch(template: string | undefined): Promise<Scratch> {
  const dir = await scratchDir('pglite-');
  // Copying an initialised data directory takes ~0.1 s; initialising one takes seconds.
  if (template) {
    await waitForPgliteTemplate(template);
    await cp(template, dir, { recursive: true });
  }
  const url = `pglite:${dir}`;
  const tracker = new Tracker();
  return {
    backend: 'pglite',
    url,
    password: undefined,
    prefix: `t${uniqueToken()}_`,
    connect: () => tracker.connect(url, undefined),
    async cleanup() {
      await tracker.closeAll();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function testBackends(): TestBackend[] {
  const ctx = context();
  const server = (name: 'mariadb' | 'postgres'): { info?: ServerInfo; reason?: string } => {
    const entry = ctx[name];
    if (entry === undefined) return { reason: NOT_SET_UP };
    return isAvailable(entry) ? { info: entry } : { reason: entry.unavailable };
  };
  const maria = server('mariadb');
  const postgres = server('postgres');
  const pgliteTemplate = typeof ctx.pgliteTemplate === 'string' ? ctx.pgliteTemplate : undefined;
  return [
    {
      name: 'mariadb', label: 'MariaDB', dialect: 'mysql', family: 'mysql',
      skipReason: maria.reason, server: maria.info,
      createScratch: () => mariadbScratch(maria.info!),
    },
    {
      name: 'postgres', label: 'PostgreSQL', dialect: 'postgres', family: 'postgres',
      skipReason: postgres.reason, server: postgres.info,
      createScratch: () => postgresScratch(postgres.info!),
    },
    {
      name: 'pglite', label: 'PGlite', dialect: 'pglite', family: 'postgres',
      skipReason: typeof ctx.pgliteTemplate === 'object' ? ctx.pgliteTemplate.unavailable : undefined,
      server: undefined,
      createScratch: () => pgliteScratch(pgliteTemplate),
    },
  ];
}

/**
 * A fresh temporary directory for a test. It lives under the run's directory when the global
 * set-up ran, so it is deleted with the run even if the test process dies before its clean-up.
 */
export async function scratchDir(prefix = 'tmp-'): Promise<string> {
  const root = context().scratchRoot ?? os.tmpdir();
  return mkdtemp(path.join(root, `dj-snapshot-${prefix}`));
}

const warned = new Set<string>();

/** Declare `suite` once per backend, as `describe(<label>)`, skipped (loudly) where unavailable. */
export function forEachBackend(suite: (backend: TestBackend) => void, only?: BackendName[]): void {
  for (const backend of testBackends()) {
    if (only && !only.includes(backend.name)) continue;
    if (backend.skipReason !== undefined) {
      if (process.env.DJ_TEST_REQUIRE_SERVERS === '1') {
        describe(backend.label, () => {
          throw new Error(`DJ_TEST_REQUIRE_SERVERS=1 but ${backend.label} is unavailable: ${backend.skipReason}`);
        });
        continue;
      }
      if (!warned.has(backend.name)) {
        warned.add(backend.name);
        console.warn(`SKIPPING ${backend.label} tests: ${backend.skipReason}`);
      }
      describe.skip(`${backend.label} (SKIPPED: ${backend.skipReason})`, () => suite(backend));
      continue;
    }
    describe(backend.label, () => suite(backend));
  }
}

/**
 * Inside a describe: a scratch space created before the suite's tests and removed after them.
 * Returns a getter, valid from the first test on.
 */
export function useScratch(backend: TestBackend): () => Scratch {
  let scratch: Scratch | undefined;
  beforeAll(async () => {
    scratch = await backend.createScratch();
  });
  afterAll(async () => {
    await scratch?.cleanup();
  });
  return () => {
    if (!scratch) throw new Error('useScratch(): the scratch space is only ready inside tests');
    return scratch;
  };
}
