/**
 * The git index (`.git/index`): reading versions 2-4 and writing version 2.
 *
 * We write it ourselves from lstat data because isomorphic-git's index handling re-reads and
 * rewrites the whole file per operation and cannot be fed stat data in bulk; a 10k-entry index
 * is ~1 MB and takes milliseconds this way. The stat fields let `git status` (and our own clean
 * check) skip rehashing files that did not change.
 */
import { createHash } from 'node:crypto';
import { lstatSync, type BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptObjectError, UnsupportedRepositoryError } from './errors.js';
import { replaceThroughLockFile } from './lockfile.js';

export interface IndexEntry {
  path: string;
  oid: string;
  /** 0o100644, 0o100755, 0o120000 or 0o160000 */
  mode: number;
  ctimeSec: number;
  ctimeNsec: number;
  mtimeSec: number;
  mtimeNsec: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
  size: number;
  /** 0 normally; 1-3 during a merge conflict */
  stage: number;
  assumeValid: boolean;
  skipWorktree: boolean;
  intentToAdd: boolean;
}

export interface GitIndex {
  version: number;
  entries: IndexEntry[];
  /** Modification time of the index file in nanoseconds: entries not older than this are "racy". */
  mtimeNs: bigint;
}

const U32 = 0xffffffffn;

/** Fills an entry's stat fields from `lstat(..., { bigint: true })`, truncated to 32 bits as git does. */
export function entryFromStat(path: string, oid: string, mode: number, st: BigIntStats): IndexEntry {
  return {
    path, oid, mode,
    ctimeSec: Number((st.ctimeNs / 1_000_000_000n) & U32),
    ctimeNsec: Number(st.ctimeNs % 1_000_000_000n),
    mtimeSec: Number((st.mtimeNs / 1_000_000_000n) & U32),
    mtimeNsec: Number(st.mtimeNs % 1_000_000_000n),
    dev: Number(st.dev & U32),
    ino: Number(st.ino & U32),
    uid: Number(st.uid & U32),
    gid: Number(st.gid & U32),
    size: Number(st.size & U32),
    stage: 0, assumeValid: false, skipWorktree: false, intentToAdd: false,
  };
}

/** Reads `.git/index`; null when there is none (fresh repository). */
export async function readIndex(gitdir: string): Promise<GitIndex | null> {
  const path = join(gitdir, 'index');
  let buf: Buffer;
  let mtimeNs: bigint;
  try {
    buf = await readFile(path);
    mtimeNs = (await stat(path, { bigint: true })).mtimeNs;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
  return { ...parseIndex(buf, path, gitdir), mtimeNs };
}

export function parseIndex(buf: Buffer, where: string, gitdir: string): { version: number; entries: IndexEntry[] } {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') throw new CorruptObjectError(where, null, 'not a git index');
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) throw new CorruptObjectError(where, null, `unknown index version ${version}`);
  const checksum = createHash('sha1').update(buf.subarray(0, buf.length - 20)).digest();
  // An all-zero trailer means index.skipHash=true (git 2.40+): no checksum to verify.
  const trailer = buf.subarray(buf.length - 20);
  if (!trailer.equals(checksum) && trailer.some((b) => b !== 0)) throw new CorruptObjectError(where, null, 'index checksum mismatch');
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let pos = 12;
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 0; i < count; i++) {
    const start = pos;
    const flags = buf.readUInt16BE(start + 60);
    let extended = 0;
    pos = start + 62;
    if (flags & 0x4000) {
      if (version < 3) throw new CorruptObjectError(where, null, 'extended flags in a version-2 index');
      extended = buf.readUInt16BE(pos);
      pos += 2;
    }
    let name: Buffer;
    if (version === 4) {
      // Path compression: strip N bytes off the previous path, then append a NUL-terminated suffix.
      let c = buf[pos++];
      let strip = c & 0x7f;
      while (c & 0x80) {
        c = buf[pos++];
        strip = ((strip + 1) * 128) + (c & 0x7f);
      }
      const nul = buf.indexOf(0, pos);
      name = Buffer.concat([previous.subarray(0, previous.length - strip), buf.subarray(pos, nul)]);
      pos = nul + 1;
    } else {
      const nul = buf.indexOf(0, pos);
      name = buf.subarray(pos, nul);
      // Entries are padded with 1-8 NULs to a multiple of 8 bytes.
      pos = start + Math.ceil((nul + 1 - start) / 8) * 8;
    }
    previous = name;
    entries.push({
      path: name.toString('utf8'),
      oid: buf.toString('hex', start + 40, start + 60),
      mode: buf.readUInt32BE(start + 24),
      ctimeSec: buf.readUInt32BE(start), ctimeNsec: buf.readUInt32BE(start + 4),
      mtimeSec: buf.readUInt32BE(start + 8), mtimeNsec: buf.readUInt32BE(start + 12),
      dev: buf.readUInt32BE(start + 16), ino: buf.readUInt32BE(start + 20),
      uid: buf.readUInt32BE(start + 28), gid: buf.readUInt32BE(start + 32),
      size: buf.readUInt32BE(start + 36),
      stage: (flags >> 12) & 3,
      assumeValid: (flags & 0x8000) !== 0,
      skipWorktree: (extended & 0x4000) !== 0,
      intentToAdd: (extended & 0x2000) !== 0,
    });
  }
  while (pos + 8 <= buf.length - 20) {
    const signature = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32BE(pos + 4);
    if (signature === 'link') {
      throw new UnsupportedRepositoryError(gitdir, 'a split index',
        'Run `git update-index --no-split-index` (and set core.splitIndex=false), then run again.');
    }
    if (signature === 'sdir') {
      throw new UnsupportedRepositoryError(gitdir, 'a sparse index',
        'Run `git sparse-checkout disable` or set index.sparse=false, then run again.');
    }
    pos += 8 + size;
  }
  return { version, entries };
}

function compareEntries(a: IndexEntry, b: IndexEntry): number {
  return Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')) || a.stage - b.stage;
}

export function encodeIndex(entries: IndexEntry[]): Buffer {
  const sorted = [...entries].sort(compareEntries);
  const chunks: Buffer[] = [];
  const header = Buffer.alloc(12);
  header.write('DIRC', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(sorted.length, 8);
  chunks.push(header);
  for (const e of sorted) {
    const name = Buffer.from(e.path, 'utf8');
    const length = Math.ceil((62 + name.length + 1) / 8) * 8;
    const buf = Buffer.alloc(length);
    const fields = [e.ctimeSec, e.ctimeNsec, e.mtimeSec, e.mtimeNsec, e.dev, e.ino, e.mode, e.uid, e.gid, e.size];
    fields.forEach((v, i) => buf.writeUInt32BE(v >>> 0, i * 4));
    buf.write(e.oid, 40, 'hex');
    buf.writeUInt16BE((e.assumeValid ? 0x8000 : 0) | ((e.stage & 3) << 12) | Math.min(name.length, 0xfff), 60);
    name.copy(buf, 62);
    chunks.push(buf);
  }
  const body = Buffer.concat(chunks);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/**
 * Replaces `.git/index` the way git does: write `index.lock` (exclusive create, so a running
 * git command makes us fail instead of racing it), then rename it over the index.
 */
export async function writeIndex(gitdir: string, entries: IndexEntry[]): Promise<void> {
  await replaceThroughLockFile(join(gitdir, 'index'), (handle) => handle.writeFile(encodeIndex(entries)));
}

/** Index mode for a tree mode string. */
export function indexMode(mode: string): number {
  return parseInt(mode, 8);
}

/** lstat with nanosecond fields; null when absent. */
export function lstatNs(path: string): BigIntStats | null {
  try {
    return lstatSync(path, { bigint: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
