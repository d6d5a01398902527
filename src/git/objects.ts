/**
 * Writing git objects as loose files, our own way because isomorphic-git's `add`/`writeBlob`
 * are ~15x slower and hold whole files in memory (stack-measurements §3).
 *
 * An object is hashed (SHA-1 over `<type> <size>\0` + content) while deflating, written to a
 * temporary file in `objects/` and renamed into place, so a crash never leaves a truncated object
 * under a real id. Already-stored objects (loose, packed or in an alternate) are not rewritten.
 *
 * Compression level: 0 stores (fast: ~5 s/GB) and suits already-compressed data such as Parquet;
 * 1 is git's cheapest real compression (~41 MB/s on incompressible data). 'auto' deflates a
 * 256 KiB sample of large files and stores them when the sample does not shrink by 10%.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createDeflate, deflateSync, type ZlibOptions } from 'node:zlib';
import { ConcurrentModificationError, ObjectMissingError, TargetNotWritableError } from './errors.js';
import { loosePath, objectDatabase, type ObjectDatabase } from './odb.js';
import { buildTrees, hashObject, objectHeader, type ObjectType, type TreeEntry } from './tree-format.js';

export { hashTree } from './tree-format.js';

export type CompressionLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 'auto';

export interface WriteBlobOptions {
  /** zlib level for the loose object; default 'auto'. */
  level?: CompressionLevel;
  /**
   * False when the content is most likely not stored yet (a new file): a large file is then
   * hashed while it is written, in one pass, instead of hashed first to skip a stored object.
   * Default true. Either way the result is the same.
   */
  maybeStored?: boolean;
}

/** Anything that names a git directory (a `Repo` does). */
export interface GitDirRef {
  gitdir: string;
}

/** Files up to this size are read whole; larger ones stream (hashed first, then written if new; or in one pass). */
const SMALL_FILE = 1024 * 1024;
const SAMPLE = 256 * 1024;
/**
 * Read size, and how much each stage of the write pipeline may hold: with Node's 16 KiB
 * default the SHA-1 (main thread), the deflate (thread pool) and the write took turns; 4 MiB
 * lets them overlap (1 GB stored in ~1.35 s instead of 1.5–2.2 s; 16 MiB gained little more).
 */
const CHUNK = 4 * 1024 * 1024;

function chooseLevel(level: CompressionLevel, sample: Buffer, large: boolean): number {
  if (level !== 'auto') return level;
  if (!large) return 1;
  const probe = sample.subarray(0, SAMPLE);
  return deflateSync(probe, { level: 1 }).length > probe.length * 0.9 ? 0 : 1;
}

/**
 * Writes loose objects into one repository and remembers which ones it created, so a discarded
 * transaction can take them back out.
 */
export class LooseObjectWriter {
  readonly created: string[] = [];
  private readonly objectsDir: string;
  private readonly odb: ObjectDatabase;
  private readonly fanoutReady = new Set<string>();

  constructor(readonly gitdir: string) {
    this.objectsDir = join(gitdir, 'objects');
    this.odb = objectDatabase(gitdir);
  }

  private tempPath(): string {
    // git's own prefix: `git gc`/`git prune` clean up leftovers with this name.
    return join(this.objectsDir, `tmp_obj_dj_${randomBytes(8).toString('hex')}`);
  }

  private place(temp: string, oid: string): void {
    const final = loosePath(this.objectsDir, oid);
    const fanout = dirname(final);
    if (!this.fanoutReady.has(fanout)) {
      mkdirSync(fanout, { recursive: true });
      this.fanoutReady.add(fanout);
    }
    renameSync(temp, final);
    this.created.push(oid);
  }

  /**
   * Stores `content` as an object of `type`; returns its id. Synchronous file calls on purpose:
   * for small objects a thread-pool round trip per call costs more than the call itself.
   */
  async writeBytes(type: ObjectType, content: Uint8Array, level: CompressionLevel = 1): Promise<string> {
    const oid = hashObject(type, content);
    if (await this.odb.probablyHas(oid)) return oid;
    const raw = Buffer.concat([objectHeader(type, content.length), content]);
    const temp = this.tempPath();
    try {
      writeFileSync(temp, deflateSync(raw, { level: chooseLevel(level, raw, false) }), { flag: 'wx', mode: 0o444 });
      this.place(temp, oid);
    } catch (err) {
      rmSync(temp, { force: true });
      throw wrapWriteError(this.gitdir, err);
    }
    return oid;
  }

  /** Stores a file's content as a blob, streaming large files; returns id and size. */
  async writeBlobFile(filePath: string, options: WriteBlobOptions = {}): Promise<{ oid: string; size: number }> {
    const level = options.level ?? 'auto';
    const { size } = statSync(filePath);
    if (size <= SMALL_FILE) {
      const content = readFileSync(filePath);
      return { oid: await this.writeBytes('blob', content, level === 'auto' ? 1 : level), size: content.length };
    }
    // Pass 1 hashes only: re-exported content is usually already stored, and hashing (~1.5 GB/s)
    // is far cheaper than deflating and writing it again. New content skips it.
    const known = options.maybeStored === false ? null : await hashBlobFile(filePath, size);
    if (known !== null && (await this.odb.probablyHas(known))) return { oid: known, size };
    const chosen = level === 'auto' ? chooseLevel('auto', await readPrefix(filePath, SAMPLE), true) : level;
    let oid = known ?? '';
    const temp = this.tempPath();
    try {
      const hash = createHash('sha1');
      const header = objectHeader('blob', size);
      hash.update(header);
      let seen = 0;
      await pipeline(
        async function* () {
          yield header;
          for await (const chunk of createReadStream(filePath, { highWaterMark: CHUNK })) {
            const buf = chunk as Buffer;
            hash.update(buf);
            seen += buf.length;
            yield buf;
          }
        },
        // Transform options reach the stream too (Node's ZlibOptions type omits them).
        createDeflate({ level: chosen, chunkSize: CHUNK, highWaterMark: CHUNK } as ZlibOptions),
        createWriteStream(temp, { flags: 'wx', mode: 0o444, highWaterMark: CHUNK }),
      );
      const written = hash.digest('hex');
      if (seen !== size || (known !== null && written !== known)) throw new ConcurrentModificationError(filePath, 'storing it');
      oid = written;
      if (known === null && (await this.odb.probablyHas(oid))) await unlink(temp);
      else this.place(temp, oid);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw wrapWriteError(this.gitdir, err);
    }
    return { oid, size };
  }

  /**
   * Stores the nested trees of a flat entry list; returns the root tree id. Every blob an entry
   * names must already be stored (gitlinks excepted), so the result always passes fsck.
   */
  async writeTree(entries: Iterable<TreeEntry>): Promise<string> {
    const list = [...entries];
    for (const entry of list) {
      if (entry.mode !== '160000' && !(await this.odb.has(entry.oid))) throw new ObjectMissingError(this.gitdir, entry.oid);
    }
    return buildTrees(list, (content) => this.writeBytes('tree', content, 1));
  }

  /** Deletes the objects this writer created (nothing references them yet). */
  async removeCreated(): Promise<void> {
    for (const oid of this.created.splice(0)) {
      const path = loosePath(this.objectsDir, oid);
      await unlink(path).catch(() => undefined);
      await rmdir(dirname(path)).catch(() => undefined);
    }
  }
}

async function readPrefix(filePath: string, length: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function wrapWriteError(gitdir: string, err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new TargetNotWritableError(gitdir, (err as Error).message);
  return err;
}

/** The blob id of a file's content, streamed; nothing is written. */
export async function hashBlobFile(filePath: string, knownSize?: number): Promise<string> {
  const size = knownSize ?? (await stat(filePath)).size;
  const hash = createHash('sha1').update(objectHeader('blob', size));
  let seen = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    seen += (chunk as Buffer).length;
  }
  if (seen !== size) throw new ConcurrentModificationError(filePath, 'hashing it');
  return hash.digest('hex');
}

/** The blob id of some bytes; nothing is written. */
export function hashBlobBytes(content: Uint8Array): string {
  return hashObject('blob', content);
}

/** Stores a file as a blob in `repo`; returns its id. */
export async function writeBlobFile(repo: GitDirRef, filePath: string, options: WriteBlobOptions = {}): Promise<string> {
  return (await new LooseObjectWriter(repo.gitdir).writeBlobFile(filePath, options)).oid;
}

/** Stores bytes as a blob in `repo`; returns its id. */
export async function writeBlobBytes(repo: GitDirRef, content: Uint8Array, options: WriteBlobOptions = {}): Promise<string> {
  return new LooseObjectWriter(repo.gitdir).writeBytes('blob', content, options.level ?? 1);
}

/** Stores the trees for a flat list of files in `repo`; returns the root tree id. */
export async function writeTree(repo: GitDirRef, entries: Iterable<TreeEntry>): Promise<string> {
  return new LooseObjectWriter(repo.gitdir).writeTree(entries);
}
