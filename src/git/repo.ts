/**
 * Opening (or creating) the repository a snapshot is written into, and refusing targets that
 * would lose someone's work: a non-empty folder that is not a repository, a detached HEAD, a
 * dirty working tree, a directory we cannot write.
 *
 * We initialise repositories ourselves instead of with isomorphic-git's `init`, whose config
 * hard-codes `filemode = false`, `symlinks = false` and `ignorecase = true`: on Linux that makes
 * git ignore executable bits and fold case. We probe the filesystem the way `git init` does.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readRepoConfig } from './config.js';
import {
  DetachedHeadError, DirtyWorkingTreeError, NotAGitRepositoryError, TargetNotADirectoryError,
  TargetNotWritableError, UnsupportedRepositoryError,
} from './errors.js';
import { readHeadCommit, readHeadState } from './refs.js';
import { workingTreeStatus } from './status.js';
import { recoverInterruptedCommit, type Recovery } from './worktree.js';

export interface Repo {
  /** Absolute path of the working tree. */
  readonly dir: string;
  /** Absolute path of its `.git` directory. */
  readonly gitdir: string;
  /** Full name of the current branch, e.g. `refs/heads/main`. */
  readonly ref: string;
  /** Short name of the current branch, e.g. `main`. */
  readonly branch: string;
  /** True when prepareRepository created the repository. */
  readonly created: boolean;
  /** What prepareRepository did about a transaction a crash interrupted. */
  readonly recovered: Recovery;
}

export interface PrepareOptions {
  /** Branch of a new repository; default `main`. */
  defaultBranch?: string;
  /** Refuse a dirty working tree (default true). Turn off only for read-only use. */
  requireClean?: boolean;
}

function errorCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

async function probeWritable(dir: string, label: string): Promise<void> {
  // access(2) answers for the real uid; creating a file is the honest test (and sees read-only mounts).
  const probe = join(dir, `.dj-snapshot-probe-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  } catch (err) {
    throw new TargetNotWritableError(label, `${errorCode(err) ?? 'error'}: ${(err as Error).message}`);
  }
}

async function initRepository(dir: string, branch: string): Promise<void> {
  const gitdir = join(dir, '.git');
  for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'info']) await mkdir(join(gitdir, sub), { recursive: true });
  await writeFile(join(gitdir, 'HEAD'), `ref: refs/heads/${branch}\n`);
  const configPath = join(gitdir, 'config');
  await writeFile(configPath, '');
  // Probes as `git init`: does chmod +x stick, and does a differently-cased name find the file?
  await chmod(configPath, 0o755);
  const filemode = ((await stat(configPath)).mode & 0o100) !== 0;
  await chmod(configPath, 0o644);
  let ignorecase = false;
  try {
    await lstat(join(gitdir, 'CoNfIg'));
    ignorecase = true;
  } catch {
    ignorecase = false;
  }
  const lines = [
    '[core]',
    '\trepositoryformatversion = 0',
    `\tfilemode = ${filemode}`,
    '\tbare = false',
    '\tlogallrefupdates = true',
  ];
  if (ignorecase) lines.push('\tignorecase = true');
  await writeFile(configPath, `${lines.join('\n')}\n`);
}

function checkFormat(dir: string, gitdir: string): void {
  const config = readRepoConfig(gitdir);
  const version = Number(config.get('core.repositoryformatversion') ?? '0');
  if (version > 1) throw new UnsupportedRepositoryError(dir, `repository format version ${version}`, 'Use a git 2.x repository.');
  if (/^(true|yes|on|1)$/i.test(config.get('core.bare') ?? 'false')) {
    throw new UnsupportedRepositoryError(dir, 'a bare repository', 'Clone it (`git clone <bare> <dir>`) and use the clone.');
  }
  const objectFormat = (config.get('extensions.objectformat') ?? 'sha1').toLowerCase();
  if (objectFormat !== 'sha1') throw new UnsupportedRepositoryError(dir, `${objectFormat} object ids`, 'Use a SHA-1 repository.');
  const refStorage = (config.get('extensions.refstorage') ?? 'files').toLowerCase();
  if (refStorage !== 'files') {
    throw new UnsupportedRepositoryError(dir, `the ${refStorage} ref backend`, 'Convert it with `git refs migrate --ref-format=files`.');
  }
}

/**
 * Creates the repository when `dir` is absent or empty (branch `main`), otherwise opens it; then
 * finishes or undoes a crashed snapshot commit, and checks HEAD is on a branch and the working
 * tree is clean.
 */
export async function prepareRepository(dir: string, options: PrepareOptions = {}): Promise<Repo> {
  const root = resolve(dir);
  const branch = options.defaultBranch ?? 'main';
  let created = false;
  let names: string[] | null = null;
  try {
    const st = await stat(root);
    if (!st.isDirectory()) throw new TargetNotADirectoryError(root);
    names = await readdir(root);
  } catch (err) {
    if (err instanceof TargetNotADirectoryError) throw err;
    const code = errorCode(err);
    if (code === 'EACCES' || code === 'EPERM') throw new TargetNotWritableError(root, (err as Error).message);
    if (code !== 'ENOENT') throw err;
  }
  if (names === null || names.length === 0) {
    try {
      await mkdir(root, { recursive: true });
    } catch (err) {
      throw new TargetNotWritableError(root, (err as Error).message);
    }
    await probeWritable(root, root);
    await initRepository(root, branch);
    created = true;
  } else if (!names.includes('.git')) {
    if (names.includes('HEAD') && names.includes('objects') && names.includes('refs')) {
      throw new UnsupportedRepositoryError(root, 'a bare repository', 'Clone it (`git clone <bare> <dir>`) and use the clone.');
    }
    throw new NotAGitRepositoryError(root);
  }
  const gitdir = join(root, '.git');
  const dotgit = await lstat(gitdir);
  if (!dotgit.isDirectory()) {
    throw new UnsupportedRepositoryError(root, 'a .git file (a linked worktree or submodule)', 'Use the main working tree of the repository.');
  }
  try {
    await stat(join(gitdir, 'HEAD'));
    await stat(join(gitdir, 'objects'));
  } catch {
    throw new NotAGitRepositoryError(root);
  }
  checkFormat(root, gitdir);
  await probeWritable(root, root);
  await probeWritable(join(gitdir, 'objects'), gitdir);

  const head = await readHeadState(gitdir);
  if (head.kind === 'detached') throw new DetachedHeadError(root, head.oid);
  const recovered = await recoverInterruptedCommit(root, gitdir);
  const repo: Repo = { dir: root, gitdir, ref: head.ref, branch: head.branch, created, recovered };
  if (options.requireClean !== false) await assertClean(repo);
  return repo;
}

/** Throws DirtyWorkingTreeError unless `git status --porcelain` would print nothing. */
export async function assertClean(repo: Repo): Promise<void> {
  const status = await workingTreeStatus(repo, { limit: 20 });
  if (!status.clean) {
    const { clean: _clean, ...summary } = status;
    throw new DirtyWorkingTreeError(repo.dir, summary);
  }
}

/** The commit the repository's current branch points at; null while the branch is unborn. */
export async function headCommit(repo: Repo): Promise<string | null> {
  return readHeadCommit(repo.gitdir);
}
