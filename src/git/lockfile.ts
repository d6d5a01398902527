/**
 * git's lock-file protocol for replacing one file (a ref, the index): create `<file>.lock`
 * exclusively (an existing one means another git process is at work: fail, never race it),
 * write it, then rename it over the file. On any failure the lock file is removed.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { RepositoryLockedError } from './errors.js';

export async function replaceThroughLockFile(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  const lock = `${path}.lock`;
  let handle: FileHandle | null;
  try {
    handle = await open(lock, 'wx', 0o644);
  } catch (err) {
    if ((err as { code?: string }).code === 'EEXIST') throw new RepositoryLockedError(lock, 'another git process');
    throw err;
  }
  try {
    await write(handle);
    await handle.close();
    handle = null;
    await rename(lock, path);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(lock).catch(() => undefined);
    throw err;
  }
}
