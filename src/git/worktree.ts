/**
 * Making the working tree and the index match a tree, crash-safely.
 *
 * A snapshot commit changes the working tree after its objects and commit are stored but before
 * the branch moves. Before touching any file we write a journal (`.git/dj-snapshot/transaction.json`)
 * listing every path that changes; if the process dies part-way, `prepareRepository` reads it and
 * either rolls the files back to HEAD (branch not moved yet) or finishes the update (branch
 * already moved). Either direction needs only the object database: every old and new file is a
 * stored blob, and staged files are merely a faster source for new ones.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readlinkSync, renameSync, rmSync, rmdirSync, unlinkSync } from 'node:fs';
import { open, readFile, rename, rm, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrentModificationError, InterruptedTransactionError, TargetNotWritableError } from './errors.js';
import { entryFromStat, lstatNs, writeIndex, type IndexEntry } from './index-file.js';
import { TransactionLock, workDir } from './lock.js';
import { hashBlobFile } from './objects.js';
import { objectDatabase } from './odb.js';
import { readRef } from './refs.js';
import { hashObject, type FileMode } from './tree-format.js';
import { flattenTree, type ListedEntry } from './tree-walk.js';

export interface FileState {
  oid: string;
  mode: FileMode;
}

/** One path whose content differs between two trees (null: absent on that side). */
export interface TreeChange {
  path: string;
  from: FileState | null;
  to: FileState | null;
}

export function diffTrees(from: Iterable<ListedEntry>, to: Iterable<ListedEntry>): TreeChange[] {
  const before = new Map<string, FileState>();
  for (const e of from) before.set(e.path, { oid: e.oid, mode: e.mode });
  const changes: TreeChange[] = [];
  for (const e of to) {
    const old = before.get(e.path);
    before.delete(e.path);
    if (!old || old.oid !== e.oid || old.mode !== e.mode) changes.push({ path: e.path, from: old ?? null, to: { oid: e.oid, mode: e.mode } });
  }
  for (const [path, old] of before) changes.push({ path, from: old, to: null });
  return changes;
}

interface ApplyOptions {
  /** Which side of each change to produce. */
  side: 'from' | 'to';
  /** Where staged copies of new files may be (renamed into place instead of copied from objects). */
  stagingDir: string | null;
  /** Recovery: the files may be in any state, so check each one before replacing it. */
  verifyExisting: boolean;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;

async function alreadyThere(abs: string, want: FileState): Promise<boolean> {
  const st = lstatNs(abs);
  if (!st) return false;
  const type = Number(st.mode) & S_IFMT;
  if (want.mode === '120000') return type === S_IFLNK && hashObject('blob', readlinkSync(abs, { encoding: 'buffer' })) === want.oid;
  if (type !== S_IFREG) return false;
  if (((Number(st.mode) & 0o100) !== 0) !== (want.mode === '100755')) return false;
  return (await hashBlobFile(abs, Number(st.size))) === want.oid;
}

/** Removes whatever non-directory blocks `abs`'s parent directories, then creates them. */
function ensureParent(root: string, abs: string, ready: Set<string>): void {
  const parent = dirname(abs);
  if (ready.has(parent)) return;
  ready.add(parent);
  try {
    mkdirSync(parent, { recursive: true });
    return;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw err;
  }
  // A file (ignored, or a tracked file just removed) sits where a directory must go: git replaces it too.
  const rel = parent.slice(root.length + 1).split('/');
  let cur = root;
  for (const part of rel) {
    cur = join(cur, part);
    const st = lstatNs(cur);
    if (st && !st.isDirectory()) unlinkSync(cur);
    if (!st || !st.isDirectory()) mkdirSync(cur);
  }
}

function pruneEmptyDirs(root: string, dirs: Set<string>): void {
  const sorted = [...dirs].sort((a, b) => b.length - a.length);
  for (const start of sorted) {
    for (let cur = start; cur.length > root.length; cur = dirname(cur)) {
      try {
        rmdirSync(cur);
      } catch {
        break; // not empty (ignored or untracked files stay), or already gone
      }
    }
  }
}

function fixExecutableBit(abs: string, mode: FileMode): void {
  if (mode === '120000') return;
  const st = lstatNs(abs);
  if (!st) return;
  const bits = Number(st.mode) & 0o7777;
  const isExec = (bits & 0o100) !== 0;
  if (mode === '100755' && !isExec) chmodSync(abs, bits | ((bits & 0o444) >> 2));
  if (mode === '100644' && isExec) chmodSync(abs, bits & ~0o111);
}

/** Brings every changed path to one side of its change. Paths not listed are not touched. */
export async function applyChanges(dir: string, gitdir: string, changes: TreeChange[], options: ApplyOptions): Promise<void> {
  const odb = objectDatabase(gitdir);
  const emptied = new Set<string>();
  // Deletions first, so a file may take the place of a removed directory and vice versa.
  for (const change of changes) {
    if (change[options.side] !== null) continue;
    const abs = join(dir, change.path);
    const st = lstatNs(abs);
    if (st && !st.isDirectory()) unlinkSync(abs);
    emptied.add(dirname(abs));
  }
  pruneEmptyDirs(dir, emptied);
  const ready = new Set<string>();
  for (const change of changes) {
    const want = change[options.side];
    if (want === null || want.mode === '160000') continue;
    const abs = join(dir, change.path);
    if (options.verifyExisting && await alreadyThere(abs, want)) continue;
    ensureParent(dir, abs, ready);
    const existing = lstatNs(abs);
    if (existing?.isDirectory()) await rm(abs, { recursive: true, force: true });
    const staged = options.side === 'to' && options.stagingDir ? join(options.stagingDir, change.path) : null;
    if (staged && lstatNs(staged)) {
      renameSync(staged, abs);
    } else if (want.mode === '120000') {
      const target = (await odb.readTyped(want.oid, 'blob')).toString('utf8');
      const temp = `${abs}.dj-tmp-${randomBytes(6).toString('hex')}`;
      await symlink(target, temp);
      await rename(temp, abs);
    } else {
      await odb.copyBlobToFile(want.oid, abs);
    }
    fixExecutableBit(abs, want.mode);
  }
}

/**
 * Writes `.git/index` for a tree from the files now in the working tree. Waits a moment first
 * when the newest file is very recent, so no entry is "racy" (same timestamp as the index),
 * which would make every later status check rehash it.
 */
export async function writeIndexForTree(dir: string, gitdir: string, entries: ListedEntry[]): Promise<void> {
  const out: IndexEntry[] = [];
  let newest = 0n;
  for (const e of entries) {
    const st = lstatNs(join(dir, e.path));
    const mode = parseInt(e.mode, 8);
    if (!st) {
      if (e.mode === '160000') {
        // a submodule that is not checked out: git records it with empty stat data
        out.push({
          path: e.path, oid: e.oid, mode, ctimeSec: 0, ctimeNsec: 0, mtimeSec: 0, mtimeNsec: 0, dev: 0, ino: 0, uid: 0, gid: 0,
          size: 0, stage: 0, assumeValid: false, skipWorktree: false, intentToAdd: false,
        });
        continue;
      }
      throw new ConcurrentModificationError(join(dir, e.path), 'updating the working tree');
    }
    if (st.mtimeNs > newest) newest = st.mtimeNs;
    out.push(entryFromStat(e.path, e.oid, mode, st));
  }
  for (let i = 0; i < 20 && BigInt(Date.now()) * 1_000_000n - newest < 20_000_000n; i++) await sleep(10);
  await writeIndex(gitdir, out);
}

/** What a crash must be able to undo or finish. */
export interface Journal {
  version: 1;
  ref: string;
  /** Commit the branch pointed at before (null: unborn). */
  base: string | null;
  /** The new commit, stored but maybe not yet on the branch. */
  commit: string;
  baseTree: string | null;
  tree: string;
  stagingDir: string | null;
  changes: TreeChange[];
}

export function journalPath(gitdir: string): string {
  return join(workDir(gitdir), 'transaction.json');
}

export async function writeJournal(gitdir: string, journal: Journal): Promise<void> {
  const path = journalPath(gitdir);
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(JSON.stringify(journal));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

export async function removeJournal(gitdir: string): Promise<void> {
  await unlink(journalPath(gitdir)).catch(() => undefined);
}

export async function readJournal(gitdir: string): Promise<Journal | null> {
  let text: string;
  try {
    text = await readFile(journalPath(gitdir), 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const journal = JSON.parse(text) as Journal;
    if (journal.version !== 1 || !Array.isArray(journal.changes)) throw new Error('unknown journal version');
    return journal;
  } catch (err) {
    throw new InterruptedTransactionError(dirname(gitdir), `the journal is unreadable (${(err as Error).message})`, journalPath(gitdir));
  }
}

/** Makes working tree and index match `tree` on the changed paths; `side` says which tree that is. */
export async function settle(dir: string, gitdir: string, journal: Journal, side: 'from' | 'to', verifyExisting: boolean): Promise<void> {
  await applyChanges(dir, gitdir, journal.changes, { side, stagingDir: journal.stagingDir, verifyExisting });
  const tree = side === 'to' ? journal.tree : journal.baseTree;
  const entries = tree ? await flattenTree(objectDatabase(gitdir), tree) : [];
  await writeIndexForTree(dir, gitdir, entries);
}

export type Recovery = 'rolled-back' | 'rolled-forward' | null;

/** Resolves a transaction a crash interrupted; returns what was done (null: nothing pending). */
export async function recoverInterruptedCommit(dir: string, gitdir: string): Promise<Recovery> {
  const pending = await readJournal(gitdir);
  if (!pending) {
    await cleanStaleStaging(gitdir);
    return null;
  }
  const lock = await TransactionLock.acquire(gitdir);
  try {
    const journal = await readJournal(gitdir);
    if (!journal) return null;
    const current = await readRef(gitdir, journal.ref);
    let outcome: Recovery;
    try {
      if (current === journal.commit) {
        await settle(dir, gitdir, journal, 'to', true);
        outcome = 'rolled-forward';
      } else if (current === journal.base) {
        await settle(dir, gitdir, journal, 'from', true);
        outcome = 'rolled-back';
      } else {
        throw new InterruptedTransactionError(dir,
          `the branch ${journal.ref} points at ${current ?? 'nothing'}, neither the old (${journal.base ?? 'none'}) nor the new commit (${journal.commit})`,
          journalPath(gitdir));
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new TargetNotWritableError(dir, (err as Error).message);
      throw err;
    }
    await removeJournal(gitdir);
    removeStaging(gitdir);
    return outcome;
  } finally {
    await lock.release();
  }
}

/** Staging directories of transactions that never reached the journal hold nothing of value. */
async function cleanStaleStaging(gitdir: string): Promise<void> {
  if (!lstatNs(stagingRoot(gitdir))) return;
  // Only when no live transaction holds the lock.
  let lock: TransactionLock;
  try {
    lock = await TransactionLock.acquire(gitdir);
  } catch {
    return;
  }
  try {
    removeStaging(gitdir);
  } finally {
    await lock.release();
  }
}

export function stagingRoot(gitdir: string): string {
  return join(workDir(gitdir), 'staging');
}

function removeStaging(gitdir: string): void {
  rmSync(stagingRoot(gitdir), { recursive: true, force: true });
}
