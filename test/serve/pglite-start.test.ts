/** Starting an empty in-memory PGlite from the cached initialised cluster, and never failing because of the cache. */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedPgliteVersion, startMemoryPglite, templatePath } from '../../src/serve/pglite-start.js';
import { scratchDir } from '../support/backends.js';

describe('startMemoryPglite', () => {
  it('knows the installed PGlite version (the project pins 0.5.14)', () => {
    expect(installedPgliteVersion()).toBe('0.5.14');
  });

  it('saves the empty cluster on the first start, starts from it next time, and replaces a broken one', async () => {
    const cacheDir = await scratchDir('pglite-cache-');
    const template = templatePath(cacheDir, installedPgliteVersion()!);

    const first = await startMemoryPglite(cacheDir);
    try {
      expect(first.fromCache).toBe(false);
      // A gzip stream (RFC 1952 magic bytes), written whole: no partial file left.
      expect([...(await readFile(template)).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
      expect(await readdir(cacheDir)).toEqual([path.basename(template)]);
    } finally {
      await first.db.close();
    }

    const second = await startMemoryPglite(cacheDir);
    try {
      expect(second.fromCache).toBe(true);
      // An empty, working cluster with the session the importer needs.
      expect(await second.db.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'")).toEqual([{ n: 1 }]);
      expect(await second.db.query('SHOW TimeZone')).toEqual([{ TimeZone: 'UTC' }]);
      await second.db.execute('CREATE TABLE t (a int); INSERT INTO t VALUES (1)');
    } finally {
      await second.db.close();
    }

    // What the second instance created is not in the cache.
    const third = await startMemoryPglite(cacheDir);
    try {
      expect(await third.db.query("SELECT to_regclass('public.t') AS t")).toEqual([{ t: null }]);
    } finally {
      await third.db.close();
    }

    await writeFile(template, 'not a tarball');
    const fallback = await startMemoryPglite(cacheDir);
    try {
      expect(fallback.fromCache).toBe(false);
      expect(await fallback.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect([...(await readFile(template)).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    } finally {
      await fallback.db.close();
    }
  });

  it('writes nothing without a cache folder (not even to the default one)', async () => {
    const home = await scratchDir('pglite-nocache-');
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = home;
    try {
      const started = await startMemoryPglite(null);
      expect(started.fromCache).toBe(false);
      await started.db.close();
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
    expect(await readdir(home)).toEqual([]);
  });
});
