/**
 * Where an import reads a snapshot from: a git ref (read from the objects, verified by id, no
 * checkout needed) or a plain directory (a snapshot folder that is not a repository, e.g. an
 * unpacked archive). Both look the same to the reader.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { copyFile, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { SnapshotFileNotFoundError, UnsupportedSnapshotEntryError } from './errors.js';
import { objectDatabase } from './odb.js';
import { copyBlobToFile, gitdirOf, listTree, readBlob, resolveRef } from './read.js';
import { decodeCommit } from './commit-format.js';
import { treeOf } from './tree-walk.js';
import { validatePath, type FileMode } from './tree-format.js';
import { cleanCheckedOut } from './status.js';

export interface SnapshotFileInfo {
  /** Path inside the snapshot, `/`-separated. */
  path: string;
  size: number;
  mode: FileMode;
  /** Git blob id (git sources only). */
  oid?: string;
}

export type SourceDescription =
  | { kind: 'git'; dir: string; ref: string; commit: string; tree: string }
  | { kind: 'directory'; dir: string };

export interface SnapshotSource {
  /** What is being read, for messages and run records. */
  describe(): SourceDescription;
  /** Every file, sorted bytewise by path. */
  listFiles(): Promise<SnapshotFileInfo[]>;
  hasFile(path: string): Promise<boolean>;
  /** A whole file: for manifests and other small files. */
  readFile(path: string): Promise<Uint8Array>;
  /** Copies a file to `destPath` with bounded memory (temporary file renamed into place). */
  copyFileTo(path: string, destPath: string): Promise<void>;
  /** A local file that holds exactly this file's bytes and can be read in place, if there is one. */
  fileInPlace(path: string): Promise<string | null>;
}

function byPath(a: SnapshotFileInfo, b: SnapshotFileInfo): number {
  return Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
}

function label(d: SourceDescription): string {
  return d.kind === 'git' ? `${d.dir} at ${d.ref} (${d.commit.slice(0, 12)})` : d.dir;
}

export class GitRefSource implements SnapshotSource {
  private files: Map<string, SnapshotFileInfo> | null = null;
  private checkedOut: Promise<Map<string, string>> | null = null;

  private constructor(private readonly description: Extract<SourceDescription, { kind: 'git' }>) {}

  static async open(dir: string, ref = 'HEAD'): Promise<GitRefSource> {
    const root = resolve(dir);
    const commit = await resolveRef(root, ref);
    const odb = objectDatabase(gitdirOf(root));
    const tree = await treeOf(odb, commit);
    return new GitRefSource({ kind: 'git', dir: root, ref, commit, tree });
  }

  describe(): SourceDescription {
    return this.description;
  }

  /** The message of the snapshot's commit (its run record). */
  async commitMessage(): Promise<string> {
    const odb = objectDatabase(gitdirOf(this.description.dir));
    return decodeCommit(await odb.readTyped(this.description.commit, 'commit'), this.description.commit).message;
  }

  private async index(): Promise<Map<string, SnapshotFileInfo>> {
    if (!this.files) {
      const entries = await listTree(this.description.dir, this.description.tree, { sizes: true });
      this.files = new Map(entries.map((e) => [e.path, { path: e.path, size: e.size ?? 0, mode: e.mode, oid: e.oid }]));
    }
    return this.files;
  }

  private async entry(path: string): Promise<SnapshotFileInfo> {
    const entry = (await this.index()).get(path);
    if (!entry) throw new SnapshotFileNotFoundError(label(this.description), path);
    if (entry.mode === '160000') throw new UnsupportedSnapshotEntryError(label(this.description), path, 'submodule');
    return entry;
  }

  async listFiles(): Promise<SnapshotFileInfo[]> {
    return [...(await this.index()).values()].sort(byPath);
  }

  async hasFile(path: string): Promise<boolean> {
    return (await this.index()).has(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    return readBlob(this.description.dir, (await this.entry(path)).oid!);
  }

  async copyFileTo(path: string, destPath: string): Promise<void> {
    await copyBlobToFile(this.description.dir, (await this.entry(path)).oid!, destPath);
  }

  /**
   * The working-tree file at `path` when git would call it unmodified and it holds this
   * commit's blob (typically: the ref is the checked-out HEAD); null otherwise. Reading it in
   * place spares copying the blob out of the object database.
   */
  async fileInPlace(path: string): Promise<string | null> {
    this.checkedOut ??= (async () => {
      const wanted = new Map([...(await this.index()).values()].map((f) => [f.path, f.oid!]));
      try {
        return await cleanCheckedOut({ dir: this.description.dir, gitdir: gitdirOf(this.description.dir) }, wanted);
      } catch {
        return new Map<string, string>(); // no usable index (a bare repository): copy every blob
      }
    })();
    return (await this.checkedOut).get(path) ?? null;
  }
}

export class DirectorySource implements SnapshotSource {
  private readonly root: string;

  constructor(dir: string) {
    this.root = realpathSync(resolve(dir));
  }

  describe(): SourceDescription {
    return { kind: 'directory', dir: this.root };
  }

  /** Absolute path of a snapshot file, refusing anything that leaves the directory. */
  private locate(path: string): string {
    validatePath(path);
    const abs = join(this.root, path);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw new SnapshotFileNotFoundError(this.root, path);
    }
    if (!real.startsWith(this.root + sep)) throw new UnsupportedSnapshotEntryError(this.root, path, 'link leaving the snapshot directory');
    if (!statSync(real).isFile()) throw new UnsupportedSnapshotEntryError(this.root, path, 'directory');
    return real;
  }

  async listFiles(): Promise<SnapshotFileInfo[]> {
    const out: SnapshotFileInfo[] = [];
    const walk = (rel: string): void => {
      for (const d of readdirSync(rel ? join(this.root, rel) : this.root, { withFileTypes: true })) {
        if (d.name === '.git') continue;
        const path = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          walk(path);
          continue;
        }
        // Symlinks are read as the file they point to, if it lies inside the snapshot.
        const real = d.isSymbolicLink() || d.isFile() ? this.locate(path) : null;
        if (!real) throw new UnsupportedSnapshotEntryError(this.root, path, 'special file');
        const st = statSync(real);
        out.push({ path, size: st.size, mode: (st.mode & 0o100) !== 0 ? '100755' : '100644' });
      }
    };
    walk('');
    return out.sort(byPath);
  }

  async hasFile(path: string): Promise<boolean> {
    try {
      this.locate(path);
      return true;
    } catch (err) {
      if (err instanceof SnapshotFileNotFoundError || err instanceof UnsupportedSnapshotEntryError) return false;
      throw err;
    }
  }

  async readFile(path: string): Promise<Uint8Array> {
    return readFile(this.locate(path));
  }

  async copyFileTo(path: string, destPath: string): Promise<void> {
    const source = this.locate(path);
    const temp = join(dirname(destPath), `.${basename(destPath)}.dj-tmp-${randomBytes(6).toString('hex')}`);
    try {
      await copyFile(source, temp);
      await rename(temp, destPath);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  async fileInPlace(path: string): Promise<string | null> {
    return this.locate(path);
  }
}

export interface OpenSourceOptions {
  /** A git ref to read; given, `location` must be a repository. */
  ref?: string;
  /** 'auto' (default): a repository is read at `ref` or HEAD, any other directory as files. */
  kind?: 'auto' | 'git' | 'directory';
}

/** Opens a snapshot for reading. */
export async function openSnapshotSource(location: string, options: OpenSourceOptions = {}): Promise<SnapshotSource> {
  const kind = options.kind ?? 'auto';
  if (kind === 'directory') return new DirectorySource(location);
  if (kind === 'git' || options.ref !== undefined) return GitRefSource.open(location, options.ref ?? 'HEAD');
  let isRepo = true;
  try {
    gitdirOf(location);
  } catch {
    isRepo = false;
  }
  return isRepo ? GitRefSource.open(location, 'HEAD') : new DirectorySource(location);
}
