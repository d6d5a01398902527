/**
 * vitest globalSetup: start the throwaway MariaDB and PostgreSQL servers in parallel (and a
 * PGlite template in the background), provide their coordinates to the test files, and stop
 * and delete everything at the end.
 *
 * Environment:
 * - DJ_TEST_REQUIRE_SERVERS=1   a server that is missing or fails to start fails the run
 *                               (default: its suites are skipped, with a loud banner)
 * - DJ_TEST_SERVERS=a,b         which servers to start (default `mariadb,postgres`)
 * - DJ_TEST_PG_BINDIR=dir       PostgreSQL binaries to use instead of /usr/lib/postgresql/<newest>/bin
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import type { TestServersContext, Unavailable } from './context.js';
import { buildPgliteTemplate } from './pglite-template.js';
import {
  makeRunDir, removeRunDir, ServerUnavailable, startMariadb, startPostgres,
  type RunningServer, type ServerInfo,
} from './servers.js';

const LABEL = { mariadb: 'MariaDB', postgres: 'PostgreSQL' } as const;
const INSTALL_HINT = { mariadb: 'mariadb-server', postgres: 'postgresql' } as const;

function banner(lines: string[]): void {
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const requireServers = process.env.DJ_TEST_REQUIRE_SERVERS === '1';
  const t0 = performance.now();
  const runDir = await makeRunDir();
  // A fresh random password per run: nothing secret is ever committed or reused.
  const password = randomBytes(18).toString('base64url');

  // Not awaited: see pglite-template.ts.
  const template = buildPgliteTemplate(path.join(runDir, 'pglite-template'));
  // DJ_TEST_SERVERS=mariadb,postgres (the default) names the servers to start; e.g. an empty
  // value gives a quick run of the tests that need no server.
  const wanted = (process.env.DJ_TEST_SERVERS ?? 'mariadb,postgres').split(',').map((s) => s.trim());
  const notWanted = (): Promise<never> =>
    Promise.reject(new ServerUnavailable(`not started (DJ_TEST_SERVERS=${process.env.DJ_TEST_SERVERS ?? ''})`));
  const attempts = await Promise.allSettled([
    wanted.includes('mariadb') ? startMariadb(runDir, password) : notWanted(),
    wanted.includes('postgres') ? startPostgres(runDir, password) : notWanted(),
  ]);
  const servers: RunningServer[] = [];
  const scratchRoot = path.join(runDir, 'scratch');
  await mkdir(scratchRoot);
  const context: Partial<TestServersContext> = { scratchRoot };
  const failures: string[] = [];

  (['mariadb', 'postgres'] as const).forEach((kind, i) => {
    const outcome = attempts[i] as PromiseSettledResult<RunningServer>;
    if (outcome.status === 'fulfilled') {
      servers.push(outcome.value);
      const info: ServerInfo = outcome.value.info;
      context[kind] = info;
      console.log(`[test servers] ${LABEL[kind]} ${info.version} on ${info.host}:${info.port} ready in ${info.startupMs} ms`);
      return;
    }
    const err = outcome.reason as Error;
    const reason = err instanceof ServerUnavailable
      ? `${err.message}`
      : `failed to start: ${err.message}`;
    context[kind] = { unavailable: reason } satisfies Unavailable;
    failures.push(`${LABEL[kind]}: ${reason}`);
    banner([
      `${requireServers ? 'MISSING' : 'SKIPPING'} ${LABEL[kind]} tests: ${reason.split('\n')[0]}`,
      err instanceof ServerUnavailable ? `install ${INSTALL_HINT[kind]} (and leave DJ_TEST_SERVERS unset) to run them` : 'see the log above',
      requireServers ? 'DJ_TEST_REQUIRE_SERVERS=1: the run fails' : 'set DJ_TEST_REQUIRE_SERVERS=1 to make this an error',
    ]);
    if (!(err instanceof ServerUnavailable)) console.warn(err.message);
  });
  context.pgliteTemplate = template.dir;

  const teardown = async (): Promise<void> => {
    template.stop();
    await Promise.allSettled(servers.map((s) => s.stop()));
    await removeRunDir(runDir);
  };

  if (requireServers && failures.length > 0) {
    await teardown();
    throw new Error(`DJ_TEST_REQUIRE_SERVERS=1 but some test databases are unavailable:\n  ${failures.join('\n  ')}`);
  }
  console.log(`[test servers] set-up took ${Math.round(performance.now() - t0)} ms`);
  project.provide('djTestServers', context as TestServersContext);
  return teardown;
}
