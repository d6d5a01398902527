/**
 * Reading a snapshot straight from git objects at any ref, without a checkout: in the working
 * repository, in a bare repository, or in a clone whose objects are packed.
 *
 * `dir` is a working tree (with `.git`), a `.git` directory or a bare repository.
 */
import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeCommit, type CommitObject } from './commit-format.js';
import { AmbiguousRefError, BlobTooLargeError, NoRepositoryError, ObjectTypeError, RefNotFoundError, UnsupportedRepositoryError } from './errors.js';
import { objectDatabase, type ObjectDatabase } from './odb.js';
import { flattenTree, peelToCommit, treeOf, type ListedEntry } from './tree-walk.js';

export type { ListedEntry } from './tree-walk.js';

/** The git directory of a working tree, a `.git` directory or a bare repository. */
export function gitdirOf(dir: string): string {
  const root = resolve(dir);
  const dotgit = join(root, '.git');
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(dotgit);
  } catch {
    st = null;
  }
  if (st?.isDirectory()) return dotgit;
  if (st?.isFile()) {
    // A submodule's `.git` file points at its real git directory.
    const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotgit, 'utf8'));
    const target = m ? resolve(root, m[1].trim()) : null;
    if (!target || fs.existsSync(join(target, 'commondir'))) {
      throw new UnsupportedRepositoryError(root, 'a linked worktree', 'Read from the main working tree or a clone.');
    }
    return target;
  }
  if (fs.existsSync(join(root, 'HEAD')) && fs.existsSync(join(root, 'objects'))) return root;
  throw new NoRepositoryError(root);
}

function db(dir: string): ObjectDatabase {
  return objectDatabase(gitdirOf(dir));
}

async function parentOf(odb: ObjectDatabase, commit: string, n: number, dir: string, ref: string): Promise<string> {
  const parents = decodeCommit(await odb.readTyped(commit, 'commit'), commit).parents;
  const parent = parents[n - 1];
  if (!parent) throw new RefNotFoundError(dir, ref);
  return parent;
}

async function resolveBase(dir: string, gitdir: string, odb: ObjectDatabase, name: string, full: string): Promise<string> {
  if (/^[0-9a-f]{40}$/i.test(name) && (await odb.has(name.toLowerCase()))) return name.toLowerCase();
  try {
    // Loaded on first use: a command that never resolves a ref does not pay its memory.
    const { default: git } = await import('isomorphic-git');
    return await git.resolveRef({ fs, gitdir, ref: name });
  } catch (err) {
    if ((err as { code?: string }).code !== 'NotFoundError') throw err;
  }
  if (/^[0-9a-f]{4,39}$/i.test(name)) {
    const candidates = await odb.findByPrefix(name.toLowerCase());
    if (candidates.length === 1) return candidates[0];
    if (candidates.length > 1) {
      // Like git, prefer the one commit among them.
      const commits: string[] = [];
      for (const oid of candidates) if ((await odb.header(oid)).type === 'commit') commits.push(oid);
      if (commits.length === 1) return commits[0];
      throw new AmbiguousRefError(dir, full, candidates);
    }
  }
  throw new RefNotFoundError(dir, full);
}

/**
 * The commit a name designates: a branch, a tag (annotated tags peeled), `HEAD`, a full or
 * abbreviated commit id, optionally followed by `~N` / `^N` (first / N-th parent) steps.
 */
export async function resolveRef(dir: string, ref: string): Promise<string> {
  const gitdir = gitdirOf(dir);
  const odb = objectDatabase(gitdir);
  const m = /^(.+?)((?:[~^]\d*)*)$/.exec(ref.trim());
  if (!m) throw new RefNotFoundError(dir, ref);
  let oid = await peelToCommit(odb, await resolveBase(dir, gitdir, odb, m[1], ref));
  for (const step of m[2].match(/[~^]\d*/g) ?? []) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (step[0] === '~') for (let i = 0; i < n; i++) oid = await parentOf(odb, oid, 1, dir, ref);
    else if (n > 0) oid = await parentOf(odb, oid, n, dir, ref);
  }
  return oid;
}

/** Every file of a commit's (or tag's, or tree's) tree, recursively, in git's tree order. */
export async function listTree(dir: string, commitOid: string, options: { sizes?: boolean } = {}): Promise<ListedEntry[]> {
  const odb = db(dir);
  return flattenTree(odb, await treeOf(odb, commitOid), options);
}

/** A blob's bytes, whole: for manifests and other small files (default limit 256 MiB). */
export async function readBlob(dir: string, oid: string, options: { maxSize?: number } = {}): Promise<Uint8Array> {
  const odb = db(dir);
  const limit = options.maxSize ?? 256 * 1024 * 1024;
  const { type, size } = await odb.header(oid);
  if (type !== 'blob') throw new ObjectTypeError(oid, type, 'blob');
  if (size > limit) throw new BlobTooLargeError(oid, size, limit);
  return odb.readTyped(oid, 'blob');
}

/** Writes a blob to `destPath` with bounded memory, verifying its id; returns its size. */
export async function copyBlobToFile(dir: string, oid: string, destPath: string): Promise<number> {
  return db(dir).copyBlobToFile(oid, destPath);
}

export interface CommitInfo extends CommitObject {
  oid: string;
}

/** A commit's tree, parents, author, committer and message; `ref` is resolved first. */
export async function readCommit(dir: string, ref: string): Promise<CommitInfo> {
  const oid = await resolveRef(dir, ref);
  return { oid, ...decodeCommit(await db(dir).readTyped(oid, 'commit'), oid) };
}

/** The full message of the commit `ref` designates. */
export async function readCommitMessage(dir: string, ref: string): Promise<string> {
  return (await readCommit(dir, ref)).message;
}
