/**
 * A snapshot commit as a transaction: stage files -> write objects -> build the tree -> compare
 * with HEAD -> commit (working tree, index and branch follow) or discard.
 *
 * The caller writes each file of the new snapshot into a private staging directory inside
 * `.git/dj-snapshot/` (same filesystem, so files are later renamed into the working tree, not
 * copied). Files of HEAD that must stay can be carried over by id (`reuse`) without staging
 * them. Whatever goes wrong before the commit, `discard` (or `withStage`) removes the staging
 * directory and the objects this stage created; HEAD, the index and the working tree are not
 * touched until the commit, which is journalled (see worktree.ts).
 */
import { randomBytes } from 'node:crypto';
import { constants as fsc, readdirSync } from 'node:fs';
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { reflogMessage, writeCommitObject, type CommitOptions, type CommitResult } from './commit.js';
import {
  BranchMovedError, DirtyWorkingTreeError, InterruptedTransactionError, InvalidTreePathError, ObjectMissingError, StageClosedError,
} from './errors.js';
import { TransactionLock } from './lock.js';
import { LooseObjectWriter, type CompressionLevel } from './objects.js';
import { objectDatabase } from './odb.js';
import { readRef, updateRef } from './refs.js';
import type { Repo } from './repo.js';
import { workingTreeStatus } from './status.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { validatePath, type FileMode, type TreeEntry } from './tree-format.js';
import { flattenTree, treeOf, type ListedEntry } from './tree-walk.js';
import {
  applyChanges, diffTrees, journalPath, readJournal, removeJournal, settle, stagingRoot, writeIndexForTree, writeJournal,
  type Journal,
} from './worktree.js';

export interface StageOptions {
  /** zlib level per file (0 for already-compressed data); default 'auto' (see objects.ts). */
  level?: CompressionLevel | ((path: string, size: number) => CompressionLevel);
  /** Objects hashed and written in parallel; default 4. */
  concurrency?: number;
}

/** Points in `commit` after which the work so far is complete; for progress reports. */
export type CommitPhase = 'objects-written' | 'tree-built' | 'commit-written' | 'worktree-updated' | 'index-written' | 'branch-updated';

export interface StageCommitOptions extends Omit<CommitOptions, 'tree'> {
  /** Re-check that nobody edited the working tree since prepareRepository (default true). */
  checkClean?: boolean;
  /** Called as each phase completes; throwing aborts the commit and undoes it. */
  onPhase?: (phase: CommitPhase) => void | Promise<void>;
}

export interface StageCommitResult extends CommitResult {
  /** Paths added, changed and removed relative to the previous commit. */
  changes: { added: number; modified: number; removed: number };
}

type StageState = 'open' | 'committed' | 'discarded';

export class SnapshotStage {
  private state: StageState = 'open';
  private readonly modes = new Map<string, FileMode>();
  private readonly reused = new Map<string, { oid: string; mode: FileMode }>();
  private entries: TreeEntry[] | null = null;
  private tree: string | null = null;
  private readonly writer: LooseObjectWriter;
  private readonly madeDirs = new Set<string>();

  private constructor(
    readonly repo: Repo,
    /** Staging directory: the snapshot's files go here, at their snapshot paths. */
    readonly dir: string,
    /** The commit the branch pointed at when the stage began (null: unborn). */
    readonly base: string | null,
    private readonly lock: TransactionLock,
    private readonly options: StageOptions,
  ) {
    this.writer = new LooseObjectWriter(repo.gitdir);
  }

  /** Starts a stage; holds the repository's transaction lock until commit or discard. */
  static async begin(repo: Repo, options: StageOptions = {}): Promise<SnapshotStage> {
    const lock = await TransactionLock.acquire(repo.gitdir);
    try {
      if (await readJournal(repo.gitdir)) {
        throw new InterruptedTransactionError(repo.dir, 'an earlier snapshot commit was interrupted', journalPath(repo.gitdir));
      }
      const base = await readRef(repo.gitdir, repo.ref);
      const dir = join(stagingRoot(repo.gitdir), `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`);
      await mkdir(dir, { recursive: true });
      return new SnapshotStage(repo, dir, base, lock, options);
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new StageClosedError(this.state);
  }

  private touched(): void {
    this.entries = null;
    this.tree = null;
  }

  /** Absolute staging path for a snapshot path (parent directories created); write the file there. */
  async pathFor(path: string): Promise<string> {
    this.assertOpen();
    validatePath(path);
    if (this.reused.has(path)) throw new InvalidTreePathError(path, 'it is already carried over from HEAD');
    const abs = join(this.dir, path);
    const parent = dirname(abs);
    if (!this.madeDirs.has(parent)) {
      await mkdir(parent, { recursive: true });
      this.madeDirs.add(parent);
    }
    this.touched();
    return abs;
  }

  async writeFile(path: string, data: Uint8Array | string, options: { executable?: boolean } = {}): Promise<void> {
    const abs = await this.pathFor(path);
    await writeFile(abs, data);
    if (options.executable) this.modes.set(path, '100755');
  }

  /** Copies a file into the stage (a reflink where the filesystem supports it). */
  async copyFile(path: string, source: string, options: { executable?: boolean } = {}): Promise<void> {
    const abs = await this.pathFor(path);
    await copyFile(source, abs, fsc.COPYFILE_FICLONE);
    if (options.executable) this.modes.set(path, '100755');
  }

  setExecutable(path: string, executable: boolean): void {
    this.assertOpen();
    if (executable) this.modes.set(path, '100755');
    else this.modes.delete(path);
    this.touched();
  }

  /** Keeps a file whose blob is already stored (typically HEAD's, unchanged) without staging it. */
  reuse(path: string, oid: string, mode: FileMode = '100644'): void {
    this.assertOpen();
    validatePath(path);
    this.reused.set(path, { oid, mode });
    this.touched();
  }

  /** The files of the commit this stage started from (empty on an unborn branch). */
  async baseEntries(): Promise<ListedEntry[]> {
    if (!this.base) return [];
    const odb = objectDatabase(this.repo.gitdir);
    return flattenTree(odb, await treeOf(odb, this.base));
  }

  private scanStaging(): string[] {
    const files: string[] = [];
    const walk = (rel: string): void => {
      for (const d of readdirSync(rel ? join(this.dir, rel) : this.dir, { withFileTypes: true })) {
        const path = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) walk(path);
        else if (d.isFile()) files.push(path);
        else throw new InvalidTreePathError(path, 'staged entries must be regular files');
      }
    };
    walk('');
    return files;
  }

  /** Stores every staged file as a blob; returns the snapshot's flat entry list. */
  async writeObjects(): Promise<TreeEntry[]> {
    this.assertOpen();
    if (this.entries) return this.entries;
    const files = this.scanStaging();
    const level = this.options.level ?? 'auto';
    // A path HEAD does not have most likely holds new content: written in one pass, unhashed first.
    const basePaths = new Set((await this.baseEntries()).map((e) => e.path));
    const entries: TreeEntry[] = await mapConcurrently(files, this.options.concurrency ?? 4, async (file) => {
      const path = validatePath(file).join('/');
      const abs = join(this.dir, path);
      const chosen = typeof level === 'function' ? level(path, (await stat(abs)).size) : level;
      const { oid } = await this.writer.writeBlobFile(abs, { level: chosen, maybeStored: basePaths.has(path) });
      return { path, oid, mode: this.modes.get(path) ?? '100644' };
    });
    const odb = objectDatabase(this.repo.gitdir);
    const staged = new Set(files);
    for (const [path, { oid, mode }] of this.reused) {
      if (staged.has(path)) throw new InvalidTreePathError(path, 'it is both staged and carried over from HEAD');
      if (mode !== '160000' && !(await odb.has(oid))) throw new ObjectMissingError(this.repo.gitdir, oid);
      entries.push({ path, oid, mode });
    }
    this.entries = entries;
    return entries;
  }

  /** Stores the snapshot's trees; returns the root tree id. */
  async buildTree(): Promise<string> {
    this.assertOpen();
    if (this.tree) return this.tree;
    this.tree = await this.writer.writeTree(await this.writeObjects());
    return this.tree;
  }

  /** True when the snapshot's tree equals the tree of the commit the stage started from. */
  async isUnchanged(): Promise<boolean> {
    const tree = await this.buildTree();
    return this.base !== null && (await treeOf(objectDatabase(this.repo.gitdir), this.base)) === tree;
  }

  /**
   * Commits the snapshot unless its tree equals HEAD's (then `unchanged`, nothing written),
   * replaces the working tree's changed files, writes the index, and moves the branch. On any
   * error everything is put back as it was and the error is rethrown.
   */
  async commit(options: StageCommitOptions): Promise<StageCommitResult> {
    this.assertOpen();
    const { gitdir, dir, ref } = this.repo;
    const phase = async (p: CommitPhase): Promise<void> => {
      if (options.onPhase) await options.onPhase(p);
    };
    let journal: Journal | null = null;
    try {
      const entries = await this.writeObjects();
      await phase('objects-written');
      const tree = await this.buildTree();
      await phase('tree-built');
      const current = await readRef(gitdir, ref);
      if (current !== this.base) throw new BranchMovedError(this.repo.branch, this.base, current);
      const odb = objectDatabase(gitdir);
      const baseTree = this.base ? await treeOf(odb, this.base) : null;
      if (this.base && baseTree === tree) {
        await this.discard();
        return { oid: this.base, unchanged: true, tree, parent: this.base, changes: { added: 0, modified: 0, removed: 0 } };
      }
      if (options.checkClean !== false) {
        const status = await workingTreeStatus(this.repo, { limit: 20 });
        if (!status.clean) {
          const { clean: _clean, ...summary } = status;
          throw new DirtyWorkingTreeError(dir, summary);
        }
      }
      const before = baseTree ? await flattenTree(odb, baseTree) : [];
      const changes = diffTrees(before, entries);
      const { oid, committer } = await writeCommitObject(this.repo, this.base, { ...options, tree }, this.writer);
      await phase('commit-written');
      journal = { version: 1, ref, base: this.base, commit: oid, baseTree, tree, stagingDir: this.dir, changes };
      await writeJournal(gitdir, journal);
      await applyChanges(dir, gitdir, changes, { side: 'to', stagingDir: this.dir, verifyExisting: false });
      await phase('worktree-updated');
      await writeIndexForTree(dir, gitdir, entries);
      await phase('index-written');
      await updateRef(gitdir, ref, oid, this.base, { who: committer, message: reflogMessage(this.base, options.message) });
      journal = null;
      this.state = 'committed';
      await removeJournal(gitdir);
      await this.cleanup().catch(() => undefined); // committed; a leftover staging dir is swept later
      await phase('branch-updated');
      const count = (kind: 'added' | 'modified' | 'removed'): number => changes.filter((c) =>
        kind === 'added' ? !c.from : kind === 'removed' ? !c.to : c.from && c.to).length;
      return { oid, unchanged: false, tree, parent: this.base, changes: { added: count('added'), modified: count('modified'), removed: count('removed') } };
    } catch (err) {
      if (this.state === 'committed') throw err; // only a progress callback can fail after the branch moved
      if (journal) {
        try {
          await settle(dir, gitdir, journal, 'from', true);
          await removeJournal(gitdir);
        } catch {
          // Leave the journal: prepareRepository finishes the rollback next time.
          this.state = 'discarded';
          await this.lock.release();
          throw err;
        }
      }
      if (this.state === 'open') await this.discard();
      throw err;
    }
  }

  /** Drops the stage: staging directory, objects it created, lock. Safe to call twice. */
  async discard(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    try {
      await this.writer.removeCreated();
    } finally {
      await this.cleanup();
    }
  }

  private async cleanup(): Promise<void> {
    try {
      await rm(this.dir, { recursive: true, force: true });
    } finally {
      await this.lock.release();
    }
  }
}

/**
 * Runs `fn` with a fresh stage and discards it unless `fn` committed it, also when `fn` throws.
 */
export async function withStage<T>(repo: Repo, fn: (stage: SnapshotStage) => Promise<T>, options: StageOptions = {}): Promise<T> {
  const stage = await SnapshotStage.begin(repo, options);
  try {
    return await fn(stage);
  } finally {
    if (stage.isOpen) await stage.discard();
  }
}
