/**
 * Where a snapshot is read from: the tree of a commit in a git repository (any ref — branch,
 * tag, old commit — read from the object database without a checkout), or a plain directory.
 * Everything after this point sees local files: git blobs that must be read as files (Parquet,
 * objects) are read in place when checked out unmodified, else streamed into a work directory
 * first, verified against their git ids on the way.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors/base.js';
import { openSnapshotSource } from '../git/source.js';

export interface SnapshotFiles {
  /** For messages: the directory, and the ref and commit when read from git. */
  readonly label: string;
  readonly dir: string;
  readonly ref: string | null;
  readonly commit: string | null;
  /** Every file path in the snapshot, `/`-separated. */
  paths(): ReadonlySet<string>;
  readText(file: string): Promise<string>;
  /** A local file holding `file`'s bytes: the file itself, or a copy streamed into `workDir`. */
  localPath(file: string, workDir: string): Promise<string>;
}

export async function openSnapshot(dir: string, ref?: string): Promise<SnapshotFiles> {
  const root = path.resolve(dir);
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new UsageError(`The snapshot ${dir} does not exist. Give a snapshot repository or directory.`, { snapshot: dir });
  }
  if (!st.isDirectory()) throw new UsageError(`The snapshot ${dir} is not a directory. Give a snapshot repository or directory.`, { snapshot: dir });
  const source = await openSnapshotSource(root, ref === undefined ? {} : { ref });
  const keys = new Set((await source.listFiles()).map((f) => f.path));
  const d = source.describe();
  return {
    label: d.kind === 'git' ? `${d.dir} at ${d.ref} (commit ${d.commit.slice(0, 12)})` : d.dir,
    dir: d.dir,
    ref: d.kind === 'git' ? d.ref : null,
    commit: d.kind === 'git' ? d.commit : null,
    paths: () => keys,
    readText: async (file) => Buffer.from(await source.readFile(file)).toString('utf8'),
    localPath: async (file, workDir) => {
      // Read in place where the bytes are on disk as they are: a directory snapshot's own file
      // (links leaving it refused), or a checked-out file that git sees unmodified, i.e. the
      // blob itself. Its sha256 is checked against the manifest like any other.
      const inPlace = await source.fileInPlace(file);
      if (inPlace) return inPlace;
      // Other git blobs are streamed out (and verified against their ids) to be read as files.
      const dest = path.join(workDir, ...file.split('/'));
      await mkdir(path.dirname(dest), { recursive: true });
      await source.copyFileTo(file, dest);
      return dest;
    },
  };
}

/**
 * Reads a local file through a hash; returns its size and hex sha256. One buffer is read into
 * again and again: a read stream's new 1 MiB chunk per read was, over the gigabyte of a large
 * snapshot, a third of a second of the main thread's garbage collection.
 */
export async function sha256File(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    return { size, sha256: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}
