/**
 * Start an empty in-memory PGlite quickly. A fresh instance runs initdb, which dominates
 * dj-serve's start-up (2.5 s on an idle machine, far more under load) and leaves ~730 MiB
 * resident; starting from a saved, freshly initialised data directory (a 4.5 MB tarball)
 * takes about a third of the time and half the memory. So the first start saves one into a
 * cache folder (default `$XDG_CACHE_HOME/dj-snapshot`, else `~/.cache/dj-snapshot`), keyed by
 * the PGlite version, and later starts load it. The cache is only an accelerator: an
 * unreadable, unwritable or broken cache file means a normal initdb, never a failure.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteDatabase } from '../db/pglite/database.js';
import { SESSION_SQL } from '../db/pglite/session.js';
import { initialParsers, installParsers } from '../db/pglite/values.js';

export interface StartedPglite {
  pg: PGlite;
  /** The same instance as a Database (for the importer); closing it closes `pg`. */
  db: PgliteDatabase;
  /** Started from the cached initialised data directory. */
  fromCache: boolean;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'dj-snapshot');
}

let pgliteVersion: string | null | undefined;

/** The installed PGlite's version: its package.json is not exported, so it is found next to the entry point. */
export function installedPgliteVersion(): string | null {
  if (pgliteVersion !== undefined) return pgliteVersion;
  pgliteVersion = null;
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && typeof pkg.version === 'string') {
        pgliteVersion = pkg.version;
        break;
      }
    }
  } catch {
    // No version, no cache.
  }
  return pgliteVersion;
}

export function templatePath(cacheDir: string, version: string): string {
  return path.join(cacheDir, `pglite-${version}-initdb.tar.gz`);
}

async function finish(pg: PGlite, fromCache: boolean): Promise<StartedPglite> {
  installParsers(pg);
  const db = new PgliteDatabase(pg, 'pglite:memory', () => {});
  await db.execute(SESSION_SQL);
  return { pg, db, fromCache };
}

/** An empty in-memory PGlite; `cacheDir` null starts without the cache. */
export async function startMemoryPglite(cacheDir: string | null): Promise<StartedPglite> {
  const version = cacheDir === null ? null : installedPgliteVersion();
  const template = cacheDir !== null && version !== null ? templatePath(cacheDir, version) : null;
  if (template && existsSync(template)) {
    let pg: PGlite | undefined;
    try {
      pg = new PGlite({ parsers: initialParsers(), loadDataDir: new Blob([await readFile(template)]) });
      await pg.waitReady;
      return await finish(pg, true);
    } catch {
      if (pg && !pg.closed) await pg.close().catch(() => undefined);
      await rm(template, { force: true }).catch(() => undefined);
    }
  }
  const pg = new PGlite({ parsers: initialParsers() });
  await pg.waitReady;
  if (template) await saveTemplate(pg, template).catch(() => undefined);
  return finish(pg, false);
}

/** The freshly initialised cluster, written whole or not at all. */
async function saveTemplate(pg: PGlite, template: string): Promise<void> {
  const dump = await pg.dumpDataDir('gzip');
  await mkdir(path.dirname(template), { recursive: true });
  const temp = `${template}.${randomBytes(6).toString('hex')}.partial`;
  try {
    await writeFile(temp, Buffer.from(await dump.arrayBuffer()));
    await rename(temp, template);
  } finally {
    await rm(temp, { force: true });
  }
}
