/**
 * Open an embedded PGlite database: `memory` (gone when closed) or a data directory, created
 * if absent. One process may hold a directory open only once: two instances writing the same
 * files would corrupt them, and PGlite itself does not lock the directory.
 */
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { TargetError } from '../../errors/base.js';
import type { ConnectionTarget, Database } from '../types.js';
import { displayUrl } from '../url.js';
import { PgliteDatabase } from './database.js';
import { SESSION_SQL } from './session.js';
import { withSession } from '../session-start.js';
import { initialParsers, installParsers } from './values.js';

const openDirs = new Set<string>();

export async function connectPglite(target: ConnectionTarget): Promise<Database> {
  const dataDir = target.dataDir ?? 'memory';
  const shown = displayUrl(target);
  let lockKey: string | undefined;
  if (dataDir !== 'memory') {
    lockKey = await prepareDataDir(dataDir, shown);
    if (openDirs.has(lockKey)) {
      throw new TargetError(
        'pglite-dir-in-use',
        `The PGlite directory ${dataDir} is already open in this process. Close the other connection first: ` +
          'an embedded database has a single session and its files must have one writer.',
        { url: shown, dataDir },
      );
    }
    openDirs.add(lockKey);
  }
  const release = (): void => {
    if (lockKey) openDirs.delete(lockKey);
  };
  let pg: PGlite | undefined;
  try {
    pg = new PGlite({ dataDir: lockKey, parsers: initialParsers() });
    await pg.waitReady;
  } catch (err) {
    release();
    if (pg && !pg.closed) await pg.close().catch(() => undefined);
    throw new TargetError(
      'pglite-open',
      `Could not open the PGlite database ${shown}: ${(err as Error).message}. ` +
        'The directory must be empty or hold a PGlite data directory made by a compatible version.',
      { url: shown, dataDir },
    );
  }
  installParsers(pg);
  return withSession(new PgliteDatabase(pg, shown, release), SESSION_SQL);
}

/**
 * Create the directory if needed and check we may write it; returns its real path. A non-empty
 * directory that is not a PostgreSQL data directory is refused: PGlite would otherwise run
 * initdb among someone's files.
 */
async function prepareDataDir(dataDir: string, shown: string): Promise<string> {
  const absolute = path.resolve(dataDir);
  let entries: string[];
  let real: string;
  try {
    await mkdir(absolute, { recursive: true });
    await access(absolute, fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK);
    real = await realpath(absolute);
    entries = await readdir(real);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new TargetError(
      'pglite-dir-not-writable',
      `Cannot use ${absolute} as a PGlite data directory (${code}): it must be a directory this user ` +
        'can create and write. Choose another path in the pglite: URL or fix its permissions.',
      { url: shown, dataDir, errno: code },
    );
  }
  if (entries.length > 0 && !entries.includes('PG_VERSION')) {
    throw new TargetError(
      'pglite-dir-not-database',
      `${absolute} is not empty and is not a PGlite data directory (no PG_VERSION). Give the pglite: URL ` +
        'a new or empty directory, or one that PGlite created.',
      { url: shown, dataDir },
    );
  }
  return real;
}
