/**
 * The export's view of the repository: open (creating it if absent or empty), stage the files
 * of one snapshot, and commit them — or, on any failure, leave the repository as it was and
 * remove it entirely if this run created it.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { listTree, prepareRepository, SnapshotStage, type Identity, type Repo } from '../git/index.js';
import { readConfig } from '../git/config.js';
import { currentUser } from './run-record.js';

export interface WriterCommit {
  unchanged: boolean;
  commit: string;
  tree: string;
  /** Bytes of all files in the snapshot tree. */
  bytes: number;
}

export class SnapshotWriter {
  private stage: SnapshotStage | null = null;

  private constructor(private readonly repo: Repo, private readonly dirExisted: boolean) {}

  /** Refuses non-empty non-git folders, unwritable targets, detached HEADs and dirty trees. */
  static async open(dir: string): Promise<SnapshotWriter> {
    const existed = existsSync(dir);
    return new SnapshotWriter(await prepareRepository(dir), existed);
  }

  async begin(): Promise<void> {
    // Parquet is already compressed: store it (level 0); deflate the JSON and object files cheaply.
    this.stage = await SnapshotStage.begin(this.repo, {
      level: (path) => (path.endsWith('.parquet') ? 0 : 'auto'),
    });
  }

  get stagingDir(): string {
    if (!this.stage) throw new Error('SnapshotWriter.begin() was not called');
    return this.stage.dir;
  }

  async writeText(path: string, text: string): Promise<void> {
    await this.stage!.writeFile(path, text);
  }

  async commit(message: string): Promise<WriterCommit> {
    const stage = this.stage!;
    const result = await stage.commit({ message, author: this.identity() });
    return { unchanged: result.unchanged, commit: result.oid, tree: result.tree, bytes: await this.treeBytes(result.oid) };
  }

  /** Undo everything this run did. */
  async abort(): Promise<void> {
    if (this.stage?.isOpen) await this.stage.discard().catch(() => {});
    if (!this.repo.created) return;
    await rm(this.dirExisted ? this.repo.gitdir : this.repo.dir, { recursive: true, force: true });
  }

  private identity(): Identity {
    const config = readConfig(this.repo.gitdir);
    const user = currentUser();
    return {
      name: process.env.GIT_AUTHOR_NAME ?? config.get('user.name') ?? `${user} (dj-export)`,
      email: process.env.GIT_AUTHOR_EMAIL ?? config.get('user.email') ?? `${user}@dj-export.invalid`,
    };
  }

  private async treeBytes(commit: string): Promise<number> {
    const entries = await listTree(this.repo.dir, commit, { sizes: true });
    return entries.reduce((n, e) => n + (e.size ?? 0), 0);
  }
}
