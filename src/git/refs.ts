/**
 * HEAD, branches and ref updates.
 *
 * Resolving names a user types (tags, remote branches, abbreviations) goes through isomorphic-git.
 * Advancing the branch is ours: isomorphic-git rewrites a ref file in place (a crash can leave it
 * empty) and keeps no reflog; we follow git's protocol instead: exclusive `<ref>.lock`, compare
 * with the expected old value, fsync, rename, then append the reflogs.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BranchMovedError } from './errors.js';
import { configBool, readConfig } from './config.js';
import type { ResolvedIdentity } from './commit-format.js';
import { replaceThroughLockFile } from './lockfile.js';

export const ZERO_OID = '0'.repeat(40);

export type HeadState =
  | { kind: 'branch'; ref: string; branch: string }
  | { kind: 'detached'; oid: string };

export async function readHeadState(gitdir: string): Promise<HeadState> {
  const text = (await readFile(join(gitdir, 'HEAD'), 'utf8')).trim();
  const m = /^ref:\s*(refs\/\S+)$/.exec(text);
  if (m) return { kind: 'branch', ref: m[1], branch: m[1].replace(/^refs\/heads\//, '') };
  return { kind: 'detached', oid: text };
}

/** The oid a full ref name points at (loose file first, then packed-refs); null if absent. */
export async function readRef(gitdir: string, ref: string, depth = 0): Promise<string | null> {
  let text: string | null = null;
  try {
    text = (await readFile(join(gitdir, ref), 'utf8')).trim();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') throw err;
  }
  if (text !== null) {
    const sym = /^ref:\s*(\S+)$/.exec(text);
    if (sym) return depth > 5 ? null : readRef(gitdir, sym[1], depth + 1);
    return /^[0-9a-f]{40}$/.test(text) ? text : null;
  }
  let packed = '';
  try {
    packed = await readFile(join(gitdir, 'packed-refs'), 'utf8');
  } catch {
    return null;
  }
  for (const line of packed.split('\n')) {
    if (line.length > 41 && line[40] === ' ' && line.slice(41).trim() === ref) return line.slice(0, 40);
  }
  return null;
}

/** The commit the current branch points at; null when the branch is unborn. */
export async function readHeadCommit(gitdir: string): Promise<string | null> {
  const head = await readHeadState(gitdir);
  return head.kind === 'detached' ? head.oid : readRef(gitdir, head.ref);
}

function formatReflogIdentity(id: ResolvedIdentity): string {
  const east = id.timezoneOffset === 0 ? 0 : -id.timezoneOffset;
  const abs = Math.abs(east);
  const tz = `${east < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${id.name} <${id.email}> ${id.timestamp} ${tz}`;
}

/**
 * Moves `ref` from `expected` (null: must not exist) to `next`, atomically; throws
 * BranchMovedError when someone else moved it first. Appends to the ref's and HEAD's reflogs
 * unless core.logAllRefUpdates is off.
 */
export async function updateRef(
  gitdir: string,
  ref: string,
  next: string,
  expected: string | null,
  reflog: { who: ResolvedIdentity; message: string },
): Promise<void> {
  const path = join(gitdir, ref);
  await mkdir(dirname(path), { recursive: true });
  await replaceThroughLockFile(path, async (handle) => {
    const current = await readRef(gitdir, ref);
    if (current !== expected) throw new BranchMovedError(ref.replace(/^refs\/heads\//, ''), expected, current);
    await handle.writeFile(`${next}\n`);
    await handle.sync();
  });
  // The ref has moved: from here on nothing may fail the update. A reflog is a convenience.
  try {
    if (!configBool(readConfig(gitdir), 'core.logallrefupdates', true)) return;
    const line = `${expected ?? ZERO_OID} ${next} ${formatReflogIdentity(reflog.who)}\t${reflog.message.replace(/\n/g, ' ')}\n`;
    const targets = [join(gitdir, 'logs', ref)];
    const head = await readHeadState(gitdir);
    if (head.kind === 'branch' && head.ref === ref) targets.push(join(gitdir, 'logs', 'HEAD'));
    for (const log of targets) {
      await mkdir(dirname(log), { recursive: true });
      await appendFile(log, line);
    }
  } catch {
    // best effort, like git when the log directory is not writable
  }
}
