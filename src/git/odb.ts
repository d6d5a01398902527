/**
 * The object database of one repository: loose objects, packs and alternates, read with
 * verification (every object's bytes are hashed against its id).
 *
 * Whole-object reads are for trees, commits and small blobs. Large blobs go through
 * `copyBlobToFile`, which streams loose objects and non-delta packed objects with bounded
 * memory; a deltified packed blob is rebuilt in memory (git does not deltify blobs above
 * core.bigFileThreshold, 512 MiB by default, so this bounds it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, rename, unlink, open } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflate, inflateSync, constants as zc } from 'node:zlib';
import { CorruptObjectError, ObjectMissingError, ObjectTypeError } from './errors.js';
import { applyDelta, PackFile } from './pack.js';
import { objectHeader, type ObjectType } from './tree-format.js';

export interface GitObject {
  type: ObjectType;
  content: Buffer;
}

export function loosePath(objectsDir: string, oid: string): string {
  return join(objectsDir, oid.slice(0, 2), oid.slice(2));
}

const OBJECT_TYPES = new Set<string>(['blob', 'tree', 'commit', 'tag']);

/** Splits `<type> <size>\0` off the front of an inflated loose object. */
function splitLooseHeader(raw: Buffer, where: string, oid: string): { type: ObjectType; size: number; bodyStart: number } {
  const nul = raw.indexOf(0);
  const space = raw.indexOf(0x20);
  if (nul < 0 || space < 0 || space > nul) throw new CorruptObjectError(where, oid, 'no object header');
  const type = raw.toString('latin1', 0, space);
  const size = Number(raw.toString('latin1', space + 1, nul));
  if (!OBJECT_TYPES.has(type) || !Number.isSafeInteger(size)) throw new CorruptObjectError(where, oid, 'bad object header');
  return { type: type as ObjectType, size, bodyStart: nul + 1 };
}

/** Passes bytes through while hashing them; checks the total length and the id at the end. */
class VerifyingStream extends Transform {
  private readonly hash = createHash('sha1');
  private seen = 0;

  constructor(type: ObjectType, private readonly size: number, private readonly oid: string, private readonly where: string) {
    super();
    this.hash.update(objectHeader(type, size));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.seen !== this.size) return done(new CorruptObjectError(this.where, this.oid, `${this.seen} bytes, header says ${this.size}`));
    const actual = this.hash.digest('hex');
    if (actual !== this.oid) return done(new CorruptObjectError(this.where, this.oid, `content hashes to ${actual}`));
    done();
  }
}

/**
 * Streams an inflated loose object: checks and drops its `<type> <size>\0` prefix, passes the
 * body on, and verifies length and id at the end.
 */
class LooseBodyStream extends Transform {
  private pending: Buffer | null = Buffer.alloc(0);
  private readonly hash = createHash('sha1');
  private expected = -1;
  private seen = 0;

  constructor(private readonly where: string, private readonly oid: string, private readonly wantType: ObjectType) {
    super();
  }

  get size(): number {
    return this.expected;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let body = chunk;
    if (this.pending !== null) {
      const joined = Buffer.concat([this.pending, chunk]);
      if (joined.indexOf(0) < 0) {
        if (joined.length > 64) return done(new CorruptObjectError(this.where, this.oid, 'no object header'));
        this.pending = joined;
        return done();
      }
      try {
        const { type, size, bodyStart } = splitLooseHeader(joined, this.where, this.oid);
        if (type !== this.wantType) throw new ObjectTypeError(this.oid, type, this.wantType);
        this.hash.update(objectHeader(type, size));
        this.expected = size;
        this.pending = null;
        body = joined.subarray(bodyStart);
      } catch (err) {
        return done(err as Error);
      }
    }
    this.seen += body.length;
    this.hash.update(body);
    done(null, body);
  }

  override _flush(done: TransformCallback): void {
    if (this.pending !== null) return done(new CorruptObjectError(this.where, this.oid, 'no object header'));
    if (this.seen !== this.expected) return done(new CorruptObjectError(this.where, this.oid, `${this.seen} bytes, header says ${this.expected}`));
    const actual = this.hash.digest('hex');
    if (actual !== this.oid) return done(new CorruptObjectError(this.where, this.oid, `content hashes to ${actual}`));
    done();
  }
}

/** Recently rebuilt packed objects, so delta chains sharing bases are not re-inflated. */
class ByteBudgetCache {
  private readonly map = new Map<string, GitObject>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: string): GitObject | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: GitObject): void {
    if (value.content.length > this.budget / 4 || this.map.has(key)) return;
    this.map.set(key, value);
    this.bytes += value.content.length;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.budget) break;
      this.map.delete(k);
      this.bytes -= v.content.length;
    }
  }
}

type Location = { kind: 'loose'; path: string } | { kind: 'packed'; pack: PackFile; offset: number };

export class ObjectDatabase {
  private packs: PackFile[] | null = null;
  private packListing = '';
  private packStamp = '';
  private readonly cache = new ByteBudgetCache(64 * 1024 * 1024);
  /** Own objects directory first, then alternates (clone --shared / --reference). */
  readonly objectDirs: string[];

  constructor(readonly gitdir: string) {
    this.objectDirs = collectObjectDirs(join(gitdir, 'objects'));
  }

  /** Rescans pack directories only when one of them changed (a pack added or removed). */
  private packDirsStamp(): string {
    return this.objectDirs.map((dir) => {
      try {
        return String(statSync(join(dir, 'pack')).mtimeMs);
      } catch {
        return '-';
      }
    }).join('|');
  }

  private async loadPacks(): Promise<PackFile[]> {
    const stamp = this.packDirsStamp();
    if (this.packs && stamp === this.packStamp) return this.packs;
    this.packStamp = stamp;
    const idxFiles: string[] = [];
    for (const dir of this.objectDirs) {
      let names: string[] = [];
      try {
        names = await readdir(join(dir, 'pack'));
      } catch {
        continue;
      }
      for (const name of names.sort()) if (name.endsWith('.idx') && names.includes(name.replace(/\.idx$/, '.pack'))) idxFiles.push(join(dir, 'pack', name));
    }
    const listing = idxFiles.join('\n');
    if (this.packs && listing === this.packListing) return this.packs;
    const previous = new Map((this.packs ?? []).map((p) => [p.packPath, p]));
    const packs: PackFile[] = [];
    for (const idx of idxFiles) packs.push(previous.get(idx.replace(/\.idx$/, '.pack')) ?? await PackFile.open(idx));
    this.packs = packs;
    this.packListing = listing;
    return packs;
  }

  /**
   * Where an object is. A pack miss rescans the pack directories when they changed, or always
   * with `exact` (pack directory timestamps are coarse; the writer's "already stored?" check can
   * afford a rare false miss, a reader cannot).
   */
  private async locate(oid: string, exact = true): Promise<Location | null> {
    for (const dir of this.objectDirs) {
      const path = loosePath(dir, oid);
      if (existsSync(path)) return { kind: 'loose', path };
    }
    const key = Buffer.from(oid, 'hex');
    const search = (packs: PackFile[]): Location | null => {
      for (const pack of packs) {
        const offset = pack.find(key);
        if (offset >= 0) return { kind: 'packed', pack, offset };
      }
      return null;
    };
    const known = this.packs;
    const hit = known ? search(known) : null;
    if (hit) return hit;
    const found = search(await this.loadPacks());
    if (found || !exact) return found;
    this.packStamp = '';
    return search(await this.loadPacks());
  }

  /** Like `locate`, but a pack that vanished under us (git gc/repack) triggers one fresh lookup. */
  private async withLocation<T>(oid: string, use: (where: Location) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const where = await this.locate(oid);
      if (!where) throw new ObjectMissingError(this.gitdir, oid);
      try {
        return await use(where);
      } catch (err) {
        if (attempt > 0 || (err as { code?: string }).code !== 'ENOENT') throw err;
        this.packStamp = '';
        this.packs = null;
      }
    }
  }

  async has(oid: string): Promise<boolean> {
    return (await this.locate(oid)) !== null;
  }

  /** A fast, possibly falsely negative `has`, for skipping writes of stored objects. */
  async probablyHas(oid: string): Promise<boolean> {
    return (await this.locate(oid, false)) !== null;
  }

  async read(oid: string): Promise<GitObject> {
    const cached = this.cache.get(oid);
    if (cached) return cached;
    return this.withLocation(oid, async (where) => {
      const object = where.kind === 'loose' ? await readLoose(where.path, oid) : await this.readPacked(where.pack, where.offset);
      const actual = createHash('sha1').update(objectHeader(object.type, object.content.length)).update(object.content).digest('hex');
      if (actual !== oid) throw new CorruptObjectError(where.kind === 'loose' ? where.path : where.pack.packPath, oid, `content hashes to ${actual}`);
      if (object.type !== 'blob') this.cache.set(oid, object);
      return object;
    });
  }

  async readTyped(oid: string, type: ObjectType): Promise<Buffer> {
    const object = await this.read(oid);
    if (object.type !== type) throw new ObjectTypeError(oid, object.type, type);
    return object.content;
  }

  private async readPacked(pack: PackFile, offset: number): Promise<GitObject> {
    const key = `${pack.packPath}@${offset}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const header = await pack.readHeader(offset);
    let object: GitObject;
    if (header.kind === 'ofs-delta' || header.kind === 'ref-delta') {
      let base: GitObject;
      if (header.kind === 'ofs-delta') {
        base = await this.readPacked(pack, header.baseOffset!);
      } else {
        base = await this.read(header.baseOid!);
      }
      const delta = await pack.inflateAt(header);
      object = { type: base.type, content: applyDelta(base.content, delta) };
      this.cache.set(key, object);
    } else {
      object = { type: header.kind, content: await pack.inflateAt(header) };
      // Bases of delta chains are usually trees; caching them makes listing a packed tree cheap.
      if (header.kind !== 'blob') this.cache.set(key, object);
    }
    return object;
  }

  /** Type and size without inflating the whole object (loose: a prefix; packed: the header). */
  async header(oid: string): Promise<{ type: ObjectType; size: number }> {
    return this.withLocation(oid, (where) => this.headerAt(oid, where));
  }

  private async headerAt(oid: string, where: Location): Promise<{ type: ObjectType; size: number }> {
    if (where.kind === 'loose') {
      const handle = await open(where.path, 'r');
      let prefix: Buffer;
      try {
        const buf = Buffer.alloc(512);
        const { bytesRead } = await handle.read(buf, 0, 512, 0);
        prefix = buf.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
      let raw: Buffer;
      try {
        raw = inflateSync(prefix, { finishFlush: zc.Z_SYNC_FLUSH });
      } catch (err) {
        throw new CorruptObjectError(where.path, oid, `inflate failed: ${(err as Error).message}`);
      }
      const { type, size } = splitLooseHeader(raw, where.path, oid);
      return { type, size };
    }
    let header = await where.pack.readHeader(where.offset);
    if (header.kind !== 'ofs-delta' && header.kind !== 'ref-delta') return { type: header.kind, size: header.size };
    // The result size is the second varint of the delta; the type is the chain's base type.
    const delta = await where.pack.inflatePrefix(header, 256);
    let pos = 0;
    while (delta[pos++] & 0x80);
    let size = 0;
    let shift = 1;
    let c: number;
    do {
      c = delta[pos++];
      size += (c & 0x7f) * shift;
      shift *= 128;
    } while (c & 0x80);
    let type: ObjectType | null = null;
    while (type === null) {
      if (header.kind === 'ofs-delta') header = await where.pack.readHeader(header.baseOffset!);
      else if (header.kind === 'ref-delta') type = (await this.header(header.baseOid!)).type;
      else type = header.kind;
    }
    return { type, size };
  }

  /**
   * Writes a blob's content to `destPath` (via a temporary file renamed into place), verifying
   * its id. Loose and non-delta packed blobs stream; memory stays bounded.
   */
  async copyBlobToFile(oid: string, destPath: string): Promise<number> {
    return this.withLocation(oid, (where) => this.copyFrom(where, oid, destPath));
  }

  private async copyFrom(where: Location, oid: string, destPath: string): Promise<number> {
    const temp = join(dirname(destPath), `.${basename(destPath)}.dj-tmp-${randomBytes(6).toString('hex')}`);
    try {
      let size: number;
      if (where.kind === 'loose') {
        size = await streamLoose(where.path, oid, temp);
      } else {
        const header = await where.pack.readHeader(where.offset);
        if (header.kind === 'blob') {
          const verify = new VerifyingStream('blob', header.size, oid, where.pack.packPath);
          try {
            await pipeline(
              createReadStream(where.pack.packPath, { start: header.dataStart, end: header.dataEnd - 1, highWaterMark: 1 << 20 }),
              createInflate({ chunkSize: 1 << 20 }),
              verify,
              createWriteStream(temp),
            );
          } catch (err) {
            throw asCorrupt(err, where.pack.packPath, oid);
          }
          size = header.size;
        } else {
          const content = await this.readTyped(oid, 'blob');
          const handle = await open(temp, 'w');
          try {
            await handle.writeFile(content);
          } finally {
            await handle.close();
          }
          size = content.length;
        }
      }
      await rename(temp, destPath);
      return size;
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  /** Every object id starting with `prefix` (hex, lowercase), loose or packed. */
  async findByPrefix(prefix: string): Promise<string[]> {
    const found = new Set<string>();
    for (const dir of this.objectDirs) {
      let names: string[] = [];
      try {
        names = await readdir(join(dir, prefix.slice(0, 2)));
      } catch {
        continue;
      }
      for (const name of names) {
        const oid = prefix.slice(0, 2) + name;
        if (oid.length === 40 && oid.startsWith(prefix)) found.add(oid);
      }
    }
    for (const pack of await this.loadPacks()) for (const oid of pack.findPrefix(prefix)) found.add(oid);
    return [...found].sort();
  }
}

async function readLoose(path: string, oid: string): Promise<GitObject> {
  const compressed = await readFile(path);
  let raw: Buffer;
  try {
    raw = inflateSync(compressed);
  } catch (err) {
    throw new CorruptObjectError(path, oid, `inflate failed: ${(err as Error).message}`);
  }
  const { type, size, bodyStart } = splitLooseHeader(raw, path, oid);
  const content = raw.subarray(bodyStart);
  if (content.length !== size) throw new CorruptObjectError(path, oid, `${content.length} bytes, header says ${size}`);
  return { type, content };
}

/** zlib failures surface as corrupt objects; everything else (ENOENT, EACCES, ENOSPC) as is. */
function asCorrupt(err: unknown, where: string, oid: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('Z_')) return new CorruptObjectError(where, oid, `inflate failed: ${(err as Error).message}`);
  return err;
}

async function streamLoose(path: string, oid: string, dest: string): Promise<number> {
  const body = new LooseBodyStream(path, oid, 'blob');
  try {
    await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createInflate({ chunkSize: 1 << 20 }), body, createWriteStream(dest));
  } catch (err) {
    throw asCorrupt(err, path, oid);
  }
  return body.size;
}

function collectObjectDirs(objectsDir: string, seen = new Set<string>()): string[] {
  const dir = resolve(objectsDir);
  if (seen.has(dir)) return [];
  seen.add(dir);
  const dirs = [dir];
  let alternates = '';
  try {
    alternates = readFileSync(join(dir, 'info', 'alternates'), 'utf8');
  } catch {
    return dirs;
  }
  for (const line of alternates.split('\n')) {
    const entry = line.trim();
    if (!entry || entry.startsWith('#')) continue;
    dirs.push(...collectObjectDirs(isAbsolute(entry) ? entry : join(dir, entry), seen));
  }
  return dirs;
}

const databases = new Map<string, ObjectDatabase>();

/** One cached database per git directory, so pack indexes are loaded once per process. */
export function objectDatabase(gitdir: string): ObjectDatabase {
  const key = resolve(gitdir);
  let db = databases.get(key);
  if (!db) {
    db = new ObjectDatabase(key);
    databases.set(key, db);
  }
  return db;
}
