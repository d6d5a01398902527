/**
 * One snapshot transaction per repository at a time: an exclusive lock file under
 * `.git/dj-snapshot/`. A lock left by a dead process on this host is taken over.
 */
import { hostname } from 'node:os';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { RepositoryLockedError } from './errors.js';

export const WORK_DIR = 'dj-snapshot';

export function workDir(gitdir: string): string {
  return join(gitdir, WORK_DIR);
}

interface LockInfo {
  pid: number;
  host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

export class TransactionLock {
  private released = false;

  private constructor(readonly path: string) {}

  static async acquire(gitdir: string): Promise<TransactionLock> {
    const dir = workDir(gitdir);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'lock');
    const me: LockInfo = { pid: process.pid, host: hostname() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx', 0o644);
        await handle.writeFile(JSON.stringify(me));
        await handle.close();
        return new TransactionLock(path);
      } catch (err) {
        if ((err as { code?: string }).code !== 'EEXIST') throw err;
      }
      let holder: LockInfo | null = null;
      try {
        holder = JSON.parse(await readFile(path, 'utf8')) as LockInfo;
      } catch {
        holder = null; // unreadable or half-written: treat as stale only if it stays so (second attempt fails loudly)
      }
      const stale = holder !== null && holder.host === me.host && !alive(holder.pid);
      if (!stale || attempt > 0) {
        throw new RepositoryLockedError(path, holder ? `process ${holder.pid} on ${holder.host}` : 'an unknown process');
      }
      await unlink(path).catch(() => undefined);
    }
    throw new RepositoryLockedError(path, 'an unknown process');
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await unlink(this.path).catch(() => undefined);
  }
}
