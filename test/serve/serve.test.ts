/**
 * serveSnapshot on the demo snapshot, answered to real node-postgres clients over TCP on
 * loopback: the schemas and rows of the demo, the stores DataJoint is told about, several
 * clients at once, COPY FROM STDIN refused without harm, and a clean close.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { demoDefinitions } from '../../src/demo/pipeline.js';
import { UsageError } from '../../src/errors/base.js';
import { exportPipeline } from '../../src/export/export.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { ListenError } from '../../src/serve/errors.js';
import { serveSnapshot, type ServedSnapshot } from '../../src/serve/serve.js';
import { scratchDir } from '../support/backends.js';
import { fileHashes, portClosed } from '../support/files.js';
import { makeDemoSnapshot, type DemoSnapshot } from './demo-snapshot.js';

function client(served: ServedSnapshot): pg.Client {
  // Any user name and password are accepted; these are what DataJoint is told to use.
  return new pg.Client({ host: served.host, port: served.port, user: 'postgres', password: 'unused', database: 'postgres' });
}

let demo: DemoSnapshot;
let served: ServedSnapshot;
/** Never the home folder's cache. */
let cacheDir: string;
const refusals: string[] = [];

beforeAll(async () => {
  demo = await makeDemoSnapshot();
  cacheDir = await scratchDir('serve-cache-');
  served = await serveSnapshot({ snapshot: demo.repo, port: 0, cacheDir, onCopyRefused: (sql) => refusals.push(sql) });
});

afterAll(async () => {
  await served?.close();
});

describe('serveSnapshot on the demo snapshot', () => {
  const schema = 'demo_lab';

  it('listens on loopback and imports the snapshot with its verification', () => {
    expect(served.host).toBe('127.0.0.1');
    expect(served.boundHost).toBe('127.0.0.1');
    expect(served.exposed).toBe(false);
    expect(served.port).toBeGreaterThan(0);
    expect(served.url).toBe(`postgres://postgres@127.0.0.1:${served.port}/postgres`);
    expect(served.import.tables.every((t) => t.status === 'ok')).toBe(true);
    expect(served.import.target.pipelineHash).toBe(demo.exported.pipelineHash);
    expect(served.serverVersion).toMatch(/^PostgreSQL 18\.\d+ \(PGlite/);
    // The first start in an empty cache runs initdb and leaves the empty cluster there.
    expect(served.startedFromCache).toBe(false);
  });

  it('answers a pg client: schemas, tables and a row of the demo', async () => {
    const c = client(served);
    await c.connect();
    try {
      const schemas = await c.query<{ nspname: string }>(
        "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1");
      expect(schemas.rows.map((r) => r.nspname)).toEqual([schema, 'public']);

      const tables = await c.query<{ relname: string }>(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1", [schema]);
      const expected = [...demoDefinitions(schema).map((d) => d.name), '~lineage'].sort();
      expect(tables.rows.map((r) => r.relname).sort()).toEqual(expected);

      // Subject 3 as the demo pipeline defines it.
      const row = await c.query(`SELECT species, sex::text AS sex, date_of_birth::text AS dob, notes FROM ${schema}.subject WHERE subject_id = 3`);
      expect(row.rows).toEqual([{ species: 'rat', sex: 'U', dob: '2023-11-30', notes: 'implanted, left hemisphere' }]);
      const sessions = await c.query(`SELECT subject_id, session_idx, operator FROM ${schema}.session ORDER BY 1, 2`);
      expect(sessions.rows).toEqual([
        { subject_id: 1, session_idx: 1, operator: 'ada' },
        { subject_id: 1, session_idx: 2, operator: 'ramon' },
        { subject_id: 2, session_idx: 1, operator: null },
        { subject_id: 3, session_idx: 1, operator: 'ramon' },
      ]);
    } finally {
      await c.end();
    }
  });

  it('resets the session after loading: the load\'s settings do not leak to clients', async () => {
    const c = client(served);
    await c.connect();
    try {
      // The importer ran with extra_float_digits = 3; PostgreSQL's default is 1.
      expect((await c.query('SHOW extra_float_digits')).rows[0].extra_float_digits).toBe('1');
    } finally {
      await c.end();
    }
  });

  it('serves two clients at once (on one shared session)', async () => {
    const a = client(served);
    const b = client(served);
    await Promise.all([a.connect(), b.connect()]);
    try {
      // Each client waits for its answers in turn; the two run side by side.
      const ask = async (c: pg.Client, base: number) => {
        const out: number[] = [];
        for (let i = 0; i < 40; i++) out.push((await c.query<{ v: number }>('SELECT $1::int * 2 AS v', [base + i])).rows[0].v);
        return out;
      };
      const [ra, rb] = await Promise.all([ask(a, 0), ask(b, 1000)]);
      expect(ra).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
      expect(rb).toEqual(Array.from({ length: 40 }, (_, i) => 2 * (1000 + i)));
      // The documented limit: one backend session for all clients.
      await a.query("SET application_name = 'client-a'");
      expect((await b.query('SHOW application_name')).rows[0].application_name).toBe('client-a');
      await a.query('RESET application_name');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('tells DataJoint one file store per snapshot store, holding the objects byte for byte', async () => {
    const location = path.join(served.storesDir, 'local');
    expect(served.settings).toEqual({
      database: { backend: 'postgresql', host: '127.0.0.1', port: served.port, user: 'postgres', name: 'postgres', use_tls: false },
      stores: { default: 'local', local: { protocol: 'file', location } },
    });
    expect(served.env).toEqual({
      DJ_HOST: '127.0.0.1', DJ_PORT: String(served.port), DJ_BACKEND: 'postgresql', DJ_USER: 'postgres', DJ_PASS: 'unused',
      DJ_USE_TLS: 'false', DJ_STORES: JSON.stringify({ default: 'local', local: { protocol: 'file', location } }),
    });
    expect(served.envLine).toContain(`DJ_STORES='{"default":"local"`);
    const source = await fileHashes(path.join(demo.storeRoot, 'local'));
    expect(source.size).toBe(demo.exported.objects.count);
    expect(await fileHashes(location)).toEqual(source);

    // The metadata in the table names paths that exist in that store.
    const c = client(served);
    await c.connect();
    try {
      const raw = await c.query<{ raw: string }>(`SELECT raw::text AS raw FROM ${schema}._recording`);
      expect(raw.rows.length).toBe(3);
      for (const r of raw.rows) {
        const meta = JSON.parse(r.raw) as { path: string; store: string };
        expect(meta.store).toBe('local');
        expect(existsSync(path.join(location, meta.path))).toBe(true);
      }
    } finally {
      await c.end();
    }
  });

  it('holds what was exported: dj-export over the socket gives the snapshot\'s tree', async () => {
    const db = await connect(served.url, { password: 'unused' });
    const repo = path.join(await scratchDir('serve-reexport-'), 'snapshot');
    const result = await exportPipeline({ db, repo, stores: parseStoreConfig(served.settings.stores, served.storesDir) }).finally(() => db.close());
    expect(result.pipelineHash).toBe(demo.exported.pipelineHash);
    expect(result.rows).toBe(demo.exported.rows);
    expect(result.tree).toBe(demo.exported.tree);
  });

  it('refuses COPY FROM STDIN with a clear error and keeps serving (simple and extended protocol)', async () => {
    const c = client(served);
    await c.connect();
    try {
      await c.query('CREATE TABLE public.copy_target (a int)');
      const before = refusals.length;
      const stream = c.query(copyFrom('COPY public.copy_target FROM STDIN'));
      const copying = pipeline(Readable.from(['1\n2\n']), stream);
      await expect(copying).rejects.toMatchObject({ code: '0A000', message: expect.stringContaining('COPY FROM STDIN is not supported by dj-serve') });
      // A named statement goes through Parse/Bind/Execute.
      await expect(c.query({ name: 'copy-in', text: 'copy public.copy_target from stdin' })).rejects.toMatchObject({ code: '0A000' });
      expect(refusals.length).toBe(before + 2);
      // The session and the protocol are still in step.
      expect((await c.query('SELECT count(*)::int AS n FROM public.copy_target')).rows[0].n).toBe(0);
      await c.query('INSERT INTO public.copy_target VALUES (1), (2)');
      expect((await c.query('SELECT sum(a)::int AS s FROM public.copy_target')).rows[0].s).toBe(3);
      await c.query('DROP TABLE public.copy_target');
    } finally {
      await c.end();
    }
    // COPY TO STDOUT is not affected.
    const d = client(served);
    await d.connect();
    try {
      let text = '';
      const out = d.query(copyTo('COPY (SELECT subject_id, species FROM demo_lab.subject ORDER BY 1) TO STDOUT'));
      for await (const chunk of out) text += (chunk as Buffer).toString();
      expect(text).toBe('1\tmouse\n2\tmouse\n3\trat\n');
    } finally {
      await d.end();
    }
  });
});

describe('serveSnapshot start-up failures and close', () => {
  it('refuses bad options before doing anything', async () => {
    await expect(serveSnapshot({ snapshot: demo.repo, port: 70000, cacheDir })).rejects.toBeInstanceOf(UsageError);
    await expect(serveSnapshot({ snapshot: demo.repo, port: -1, cacheDir })).rejects.toThrow(/--port must be a whole number from 0 to 65535/);
    await expect(serveSnapshot({ snapshot: demo.repo, host: ' ', cacheDir })).rejects.toThrow(/--host must not be empty/);
    await expect(serveSnapshot({ snapshot: path.join(demo.dir, 'no-such-snapshot'), port: 0, cacheDir })).rejects.toThrow(/does not exist/);
  });

  it('reports a taken port, naming it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const stores = path.join(await scratchDir('serve-taken-'), 'stores');
    try {
      const started = performance.now();
      const attempt = serveSnapshot({ snapshot: demo.repo, port, stores, cacheDir });
      await expect(attempt).rejects.toBeInstanceOf(ListenError);
      await expect(attempt).rejects.toThrow(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
      // Found before the database is started and loaded.
      expect(performance.now() - started).toBeLessThan(1000);
      expect(existsSync(stores)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('keeps a given stores folder, serves it again, and closes the port and removes temporary stores', async () => {
    const stores = path.join(await scratchDir('serve-stores-'), 'stores');
    const first = await serveSnapshot({ snapshot: demo.repo, port: 0, stores, cacheDir });
    expect(first.storesTemporary).toBe(false);
    expect(first.startedFromCache).toBe(true);
    expect(first.import.target.pipelineHash).toBe(demo.exported.pipelineHash);
    await first.close();
    await first.close();
    expect(await portClosed(first.port)).toBe(true);
    expect(existsSync(path.join(stores, 'local'))).toBe(true);
    // The identical objects are there already: a second serve accepts them.
    const second = await serveSnapshot({ snapshot: demo.repo, port: 0, stores, cacheDir: null });
    expect(second.startedFromCache).toBe(false);
    expect(await fileHashes(path.join(stores, 'local'))).toEqual(await fileHashes(path.join(demo.storeRoot, 'local')));
    await second.close();

    // The shared instance's temporary stores go with it.
    const temp = served.storesDir;
    expect(served.storesTemporary).toBe(true);
    expect(existsSync(temp)).toBe(true);
    await served.close();
    expect(existsSync(temp)).toBe(false);
    expect(await portClosed(served.port)).toBe(true);
  });
});
