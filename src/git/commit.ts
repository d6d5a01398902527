/**
 * Commits of a snapshot tree. The commit object is encoded by us, byte-identical to
 * isomorphic-git's `commit({ tree })` (the tests compare both, and `git commit-tree`), because
 * isomorphic-git's `commit` also parses the whole index, loads a whole pack to read the parent
 * after `git gc`, and writes the loose object and the ref non-atomically.
 */
import { encodeCommit, resolveIdentity, type Identity } from './commit-format.js';
import { LooseObjectWriter } from './objects.js';
import { objectDatabase } from './odb.js';
import { readRef, updateRef } from './refs.js';
import type { Repo } from './repo.js';
import { isOid } from './tree-format.js';
import { treeOf } from './tree-walk.js';
import { ObjectMissingError, ObjectTypeError } from './errors.js';

export interface CommitOptions {
  tree: string;
  message: string;
  author: Identity;
  /** Default: the author. */
  committer?: Identity;
}

export interface CommitResult {
  /** The new commit, or HEAD's when nothing changed. */
  oid: string;
  /** True when `tree` equals HEAD's tree: nothing was written. */
  unchanged: boolean;
  tree: string;
  parent: string | null;
}

/** HEAD's tree, or null on an unborn branch. */
export async function headTree(repo: Repo): Promise<{ commit: string | null; tree: string | null }> {
  const commit = await readRef(repo.gitdir, repo.ref);
  return { commit, tree: commit ? await treeOf(objectDatabase(repo.gitdir), commit) : null };
}

/** Stores a commit object with `parent` (null: a root commit); returns its id. Moves no ref. */
export async function writeCommitObject(repo: Repo, parent: string | null, options: CommitOptions, writer = new LooseObjectWriter(repo.gitdir)): Promise<{ oid: string; message: string; committer: ReturnType<typeof resolveIdentity> }> {
  if (!isOid(options.tree)) throw new ObjectMissingError(repo.gitdir, String(options.tree));
  const odb = objectDatabase(repo.gitdir);
  const type = (await odb.header(options.tree)).type;
  if (type !== 'tree') throw new ObjectTypeError(options.tree, type, 'tree');
  const now = Date.now();
  const author = resolveIdentity('author', options.author, now);
  const committer = resolveIdentity('committer', options.committer ?? options.author, now);
  const oid = await writer.writeBytes('commit', encodeCommit({
    tree: options.tree, parents: parent ? [parent] : [], author, committer, message: options.message,
  }), 1);
  return { oid, message: options.message, committer };
}

export function reflogMessage(parent: string | null, message: string): string {
  const subject = message.replace(/\r/g, '').replace(/^\n+/, '').split('\n')[0];
  return `commit${parent ? '' : ' (initial)'}: ${subject}`;
}

/**
 * Commits `tree` on the current branch with HEAD as parent, unless HEAD already has exactly
 * this tree (then nothing is written and `unchanged` is true). Moves only the branch: the
 * working tree and index are left as they are (a SnapshotStage does the whole job).
 */
export async function commitTree(repo: Repo, options: CommitOptions): Promise<CommitResult> {
  const head = await headTree(repo);
  if (head.commit && head.tree === options.tree) return { oid: head.commit, unchanged: true, tree: options.tree, parent: head.commit };
  const { oid, committer } = await writeCommitObject(repo, head.commit, options);
  await updateRef(repo.gitdir, repo.ref, oid, head.commit, { who: committer, message: reflogMessage(head.commit, options.message) });
  return { oid, unchanged: false, tree: options.tree, parent: head.commit };
}
