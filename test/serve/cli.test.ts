/**
 * dj-serve as users run it: a child process serving the demo snapshot on loopback, answered
 * by pg clients, stopped by SIGINT / SIGTERM with its port closed and temporary stores gone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, spawnBuilt, type ChildRun } from '../demo/build.js';
import { scratchDir } from '../support/backends.js';
import { portClosed } from '../support/files.js';
import { makeDemoSnapshot, type DemoSnapshot } from './demo-snapshot.js';

const CLI = path.join('cli', 'dj-serve.js');
let demo: DemoSnapshot;
/** The CLI's cache of an empty database goes here, never into the home folder. */
let cacheHome: string;
const running: ChildRun[] = [];

beforeAll(async () => {
  [demo, , cacheHome] = await Promise.all([makeDemoSnapshot(), buildProject(), scratchDir('serve-cli-cache-')]);
});

afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
});

async function serve(args: string[]): Promise<ChildRun> {
  const run = await spawnBuilt(CLI, args, undefined, { XDG_CACHE_HOME: cacheHome });
  running.push(run);
  return run;
}

describe('dj-serve CLI', () => {
  it('serves the snapshot to pg clients and shuts down cleanly on SIGINT', async () => {
    const run = await serve([demo.repo, '--port', '0', '--json']);
    await run.waitFor('\n');
    const ready = JSON.parse(run.stdout().split('\n')[0]) as {
      ok: boolean; serving: boolean; host: string; port: number; storesDir: string; storesTemporary: boolean;
      settings: { database: { port: number }; stores: Record<string, unknown> }; envLine: string; pipelineHash: string;
    };
    expect(ready).toMatchObject({ ok: true, serving: true, host: '127.0.0.1', storesTemporary: true, pipelineHash: demo.exported.pipelineHash });
    expect(ready.settings.database.port).toBe(ready.port);
    expect(ready.settings.stores.default).toBe('local');
    expect(ready.envLine).toContain(`DJ_HOST=127.0.0.1 DJ_PORT=${ready.port} DJ_BACKEND=postgresql`);
    expect(existsSync(path.join(ready.storesDir, 'local'))).toBe(true);
    expect(existsSync(path.join(cacheHome, 'dj-snapshot'))).toBe(true);

    const connect = async () => {
      const c = new pg.Client({ host: '127.0.0.1', port: ready.port, user: 'postgres', password: 'unused', database: 'postgres' });
      await c.connect();
      return c;
    };
    const a = await connect();
    const b = await connect();
    try {
      const schemas = await a.query<{ schema_name: string }>("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'demo%'");
      expect(schemas.rows).toEqual([{ schema_name: 'demo_lab' }]);
      const [one, two] = await Promise.all([
        a.query('SELECT full_name FROM demo_lab.experimenter WHERE user_name = $1', ['ramon']),
        b.query('SELECT count(*)::int AS n FROM demo_lab.__spike_sorting__unit'),
      ]);
      expect(one.rows).toEqual([{ full_name: 'Santiago Ramón y Cajal' }]);
      expect(two.rows).toEqual([{ n: 10 }]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }

    run.child.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(JSON.parse(run.stdout().trim().split('\n')[1])).toEqual({ ok: true, stopped: 'SIGINT' });
    expect(await portClosed(ready.port)).toBe(true);
    expect(existsSync(ready.storesDir)).toBe(false);
  });

  it('prints the DataJoint settings for people and stops on SIGTERM, keeping a given stores folder', async () => {
    const stores = path.join(demo.dir, 'cli-stores');
    const run = await serve([demo.repo, '--port', '0', '--stores', stores]);
    await run.waitFor('Press Ctrl-C to stop.');
    const out = run.stdout();
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]);
    const settings = JSON.parse(/^DataJoint settings.*\n(\{[\s\S]*?\n\})$/m.exec(out)![1]) as unknown;
    expect(settings).toEqual({
      database: { backend: 'postgresql', host: '127.0.0.1', port, user: 'postgres', name: 'postgres', use_tls: false },
      stores: { default: 'local', local: { protocol: 'file', location: path.join(stores, 'local') } },
    });
    expect(out).toContain(`DJ_HOST=127.0.0.1 DJ_PORT=${port} DJ_BACKEND=postgresql DJ_USER=postgres`);
    expect(out).toMatch(/one database session/);
    // The first test left the empty database in the cache.
    expect(out).toContain('empty database from the cache');
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('dj-serve: stopped');
    expect(await portClosed(port)).toBe(true);
    expect(existsSync(path.join(stores, 'local'))).toBe(true);
  });

  it('treats SIGHUP (a closed terminal) like SIGTERM: temporary stores removed', async () => {
    const run = await serve([demo.repo, '--port', '0', '--json']);
    await run.waitFor('\n');
    const ready = JSON.parse(run.stdout().split('\n')[0]) as { port: number; storesDir: string };
    expect(existsSync(ready.storesDir)).toBe(true);
    run.child.kill('SIGHUP');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(existsSync(ready.storesDir)).toBe(false);
    expect(await portClosed(ready.port)).toBe(true);
  });

  it('warns that a non-loopback --host has no authentication (interrupted before listening)', async () => {
    // --port 0 and an immediate SIGINT: the warning comes first, and nothing is served.
    const run = await serve([demo.repo, '--host', '0.0.0.0', '--port', '0']);
    await run.waitFor('warning: dj-serve has NO authentication', 'stderr');
    run.child.kill('SIGINT');
    const exit = await run.exit;
    expect(run.stderr()).toMatch(/Listening on 0\.0\.0\.0 lets anyone who can reach port 0 of this machine read and change/);
    expect(exit).toEqual({ code: 130, signal: null });
    expect(run.stderr()).toContain('stopped (SIGINT) before it started serving');
    expect(run.stdout()).toBe('');
  });

  it('prints no warning on loopback', async () => {
    const run = await serve([path.join(demo.dir, 'missing'), '--port', '0']);
    await run.exit;
    expect(run.stderr()).not.toContain('NO authentication');
  });

  it.each([
    [['--port', '0'], /Give exactly one SNAPSHOT/],
    [['SNAP', '--port', 'abc'], /--port must be a whole number/],
    [['SNAP', '--port', '65536'], /--port must be a whole number from 0 to 65535/],
    [['SNAP', '--bogus'], /Unknown argument: bogus/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const run = await serve(args.map((a) => (a === 'SNAP' ? demo.repo : a)));
    expect((await run.exit).code).toBe(2);
    expect(run.stderr()).toMatch(message);
  });

  it('names a missing snapshot (exit 2)', async () => {
    const missing = path.join(demo.dir, 'nowhere');
    const run = await serve([missing, '--port', '0']);
    expect((await run.exit).code).toBe(2);
    expect(run.stderr()).toContain(`error: The snapshot ${missing} does not exist`);
  });
});
