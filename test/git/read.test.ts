import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyBlobToFile, CorruptObjectError, DirectorySource, GitRefSource, listTree, NoRepositoryError, ObjectMissingError,
  openSnapshotSource, prepareRepository, readBlob, readCommit, readCommitMessage, RefNotFoundError, resolveRef,
  SnapshotFileNotFoundError, withStage, writeBlobFile, type Repo,
} from '../../src/git/index.js';
import { AUTHOR, cleanupTempDirs, git, pseudoRandomBytes, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

/** A text that git deltifies well between versions: many lines, a few changed. */
function text(version: number, lines = 4000): Buffer {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(i % 500 === 7 ? `line ${i} changed in v${version}` : `line ${i} of a long and mostly stable file`);
  return Buffer.from(out.join('\n') + '\n');
}

function versions(): Array<Map<string, Buffer>> {
  const v1 = new Map<string, Buffer>([
    ['manifest.json', Buffer.from('{"v":1}\n')],
    ['tables/a.parquet', pseudoRandomBytes(300_000, 1)],
    ['tables/log.txt', text(1)],
    ['objects/x/y.bin', Buffer.from([0, 255, 10, 13])],
    ['empty', Buffer.alloc(0)],
  ]);
  const v2 = new Map(v1);
  v2.set('manifest.json', Buffer.from('{"v":2}\n'));
  v2.set('tables/log.txt', text(2));
  v2.delete('objects/x/y.bin');
  const v3 = new Map(v2);
  v3.set('tables/log.txt', text(3));
  v3.set('new/file.txt', Buffer.from('three'));
  return [v1, v2, v3];
}

async function commit(repo: Repo, files: Map<string, Buffer>, message: string): Promise<string> {
  return withStage(repo, async (stage) => {
    for (const [path, bytes] of files) await stage.writeFile(path, bytes);
    return (await stage.commit({ message, author: AUTHOR })).oid;
  });
}

/** `git ls-tree -r -l` as our listTree shape, the referee for listings. */
function cliListing(dir: string, rev: string): Array<{ path: string; oid: string; mode: string; size: number }> {
  return git(dir, ['ls-tree', '-r', '-l', '-z', rev], { raw: true }).split('\0').filter(Boolean).map((line) => {
    const [meta, path] = line.split('\t');
    const [mode, , oid, size] = meta.split(/\s+/);
    return { path, oid, mode, size: Number(size) };
  });
}

const V = versions();
let source: string;
let packedClone: string;
const commits: string[] = [];

beforeAll(async () => {
  const repo = await prepareRepository(join(tempDir(), 'origin'));
  source = repo.dir;
  commits.push(await commit(repo, V[0], 'Snapshot v1\n\nrun: {"n":1}'));
  git(source, ['tag', '-a', 'v1', '-m', 'release 1']);
  commits.push(await commit(repo, V[1], 'Snapshot v2'));
  git(source, ['tag', 'light']);
  commits.push(await commit(repo, V[2], 'Snapshot v3'));
  // A clone whose objects are all packed, with deltas (gc first, then a real transport).
  const packedOrigin = join(tempDir(), 'packed-origin');
  git(tempDir(), ['clone', '-q', '--no-local', source, packedOrigin]);
  git(packedOrigin, ['fetch', '-q', 'origin', '+refs/tags/*:refs/tags/*']);
  git(packedOrigin, ['gc', '-q', '--aggressive']);
  packedClone = join(tempDir(), 'clone');
  git(tempDir(), ['clone', '-q', '--no-local', packedOrigin, packedClone]);
});

describe('a clone with packed objects', () => {
  it('really holds packed, deltified objects only', () => {
    const objects = join(packedClone, '.git', 'objects');
    expect(readdirSync(objects).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
    const pack = readdirSync(join(objects, 'pack')).find((n) => n.endsWith('.idx'))!;
    const verify = git(packedClone, ['verify-pack', '-v', join(objects, 'pack', pack)]);
    expect(verify).toMatch(/chain length = [1-9]/);
  });
});

for (const where of ['loose', 'packed'] as const) {
  describe(`reading from ${where} objects`, () => {
    const dir = (): string => (where === 'loose' ? source : packedClone);

    it('resolves branches, tags (annotated and light), HEAD, ids, abbreviations and ~/^ steps', async () => {
      const d = dir();
      expect(await resolveRef(d, 'HEAD')).toBe(commits[2]);
      expect(await resolveRef(d, 'main')).toBe(commits[2]);
      expect(await resolveRef(d, 'refs/heads/main')).toBe(commits[2]);
      expect(await resolveRef(d, 'v1')).toBe(commits[0]);
      expect(await resolveRef(d, 'refs/tags/v1')).toBe(commits[0]);
      expect(await resolveRef(d, 'light')).toBe(commits[1]);
      expect(await resolveRef(d, commits[1])).toBe(commits[1]);
      expect(await resolveRef(d, commits[1].slice(0, 8))).toBe(commits[1]);
      expect(await resolveRef(d, 'HEAD~1')).toBe(commits[1]);
      expect(await resolveRef(d, 'HEAD^^')).toBe(commits[0]);
      expect(await resolveRef(d, 'main~2')).toBe(commits[0]);
      if (where === 'packed') expect(await resolveRef(d, 'origin/main')).toBe(commits[2]);
      await expect(resolveRef(d, 'no-such-tag')).rejects.toBeInstanceOf(RefNotFoundError);
      await expect(resolveRef(d, 'HEAD~5')).rejects.toBeInstanceOf(RefNotFoundError);
    });

    it('lists every version exactly as git ls-tree does, and reads each file byte for byte', async () => {
      const d = dir();
      for (const [i, rev] of ['v1', 'light', 'HEAD'].entries()) {
        const oid = await resolveRef(d, rev);
        const listed = await listTree(d, oid, { sizes: true });
        expect(listed).toEqual(cliListing(d, rev));
        for (const entry of listed) {
          const expected = V[i].get(entry.path)!;
          expect(Buffer.from(await readBlob(d, entry.oid)).equals(expected), entry.path).toBe(true);
          const out = join(tempDir(), 'out.bin');
          expect(await copyBlobToFile(d, entry.oid, out)).toBe(expected.length);
          expect(readFileSync(out).equals(expected)).toBe(true);
        }
      }
    });

    it('reads commit messages and metadata', async () => {
      const d = dir();
      expect(await readCommitMessage(d, 'v1')).toBe('Snapshot v1\n\nrun: {"n":1}\n');
      const info = await readCommit(d, 'HEAD');
      expect(info).toMatchObject({ oid: commits[2], parents: [commits[1]], author: { name: AUTHOR.name, timestamp: AUTHOR.timestamp, timezoneOffset: -120 } });
      expect(info.tree).toBe(git(d, ['rev-parse', 'HEAD^{tree}']));
    });
  });
}

describe('large blobs', () => {
  /**
   * Peak of live (not merely unreclaimed) memory above the starting point while `fn` runs: a full
   * GC before each sample, so garbage from already-written chunks does not count.
   */
  async function peakBytesDuring(fn: () => Promise<unknown>): Promise<number> {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const live = (): number => {
      gc();
      const m = process.memoryUsage();
      return m.arrayBuffers + m.heapUsed;
    };
    const base = live();
    let peak = 0;
    const timer = setInterval(() => { peak = Math.max(peak, live() - base); }, 5);
    try {
      await fn();
    } finally {
      clearInterval(timer);
    }
    return peak;
  }

  async function sha1File(path: string): Promise<string> {
    const h = createHash('sha1');
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest('hex');
  }

  it('copies a 50 MB blob with bounded memory, from a loose object and from a pack', async () => {
    const repo = await prepareRepository(join(tempDir(), 'big'));
    const src = join(tempDir(), 'big.bin');
    const bytes = pseudoRandomBytes(50 * 1024 * 1024, 99);
    writeFileSync(src, bytes);
    const expected = createHash('sha1').update(bytes).digest('hex');
    const oid = await writeBlobFile(repo, src, { level: 0 });
    const out = join(tempDir(), 'copy.bin');
    const loosePeak = await peakBytesDuring(() => copyBlobToFile(repo.dir, oid, out));
    expect(await sha1File(out)).toBe(expected);
    await withStage(repo, async (stage) => {
      stage.reuse('big.bin', oid);
      await stage.commit({ message: 'big', author: AUTHOR });
    });
    git(repo.dir, ['gc', '-q']);
    expect(existsSync(join(repo.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)))).toBe(false);
    const packedOut = join(tempDir(), 'copy2.bin');
    const packedPeak = await peakBytesDuring(() => copyBlobToFile(repo.dir, oid, packedOut));
    expect(await sha1File(packedOut)).toBe(expected);
    console.log(`copyBlobToFile 50 MB: extra memory peak loose ${(loosePeak / 2 ** 20).toFixed(1)} MiB, packed ${(packedPeak / 2 ** 20).toFixed(1)} MiB`);
    // Reading it whole would hold >= 50 MiB (the inflated content) at once.
    expect(loosePeak).toBeLessThan(20 * 1024 * 1024);
    expect(packedPeak).toBeLessThan(20 * 1024 * 1024);
    // The control: the measurement does see a whole-object read.
    let whole: Uint8Array | null = null;
    const wholePeak = await peakBytesDuring(async () => { whole = await readBlob(repo.dir, oid, { maxSize: 64 * 1024 * 1024 }); });
    expect(whole!.length).toBe(bytes.length);
    // (Not the full 50 MiB: what the baseline held and the GC freed meanwhile comes off the peak.)
    expect(wholePeak).toBeGreaterThan(40 * 1024 * 1024);
  });

  it('refuses to read a blob whole past the limit', async () => {
    const repo = await prepareRepository(join(tempDir(), 'r'));
    const src = join(tempDir(), 'f');
    writeFileSync(src, Buffer.alloc(2048));
    const oid = await writeBlobFile(repo, src);
    await expect(readBlob(repo.dir, oid, { maxSize: 1024 })).rejects.toMatchObject({ code: 'git-blob-too-large' });
  });
});

describe('damaged repositories', () => {
  it('detects a corrupt loose object and leaves no partial output file', async () => {
    const repo = await prepareRepository(join(tempDir(), 'r'));
    const src = join(tempDir(), 'f');
    writeFileSync(src, pseudoRandomBytes(3 * 1024 * 1024, 4));
    const oid = await writeBlobFile(repo, src, { level: 0 });
    const path = join(repo.gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
    chmodSync(path, 0o644);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1000] ^= 0xff;
    writeFileSync(path, bytes);
    const outDir = tempDir();
    await expect(copyBlobToFile(repo.dir, oid, join(outDir, 'x'))).rejects.toBeInstanceOf(CorruptObjectError);
    expect(readdirSync(outDir)).toEqual([]);
    await expect(readBlob(repo.dir, oid)).rejects.toBeInstanceOf(CorruptObjectError);
  });

  it('detects a corrupt packed object', async () => {
    const repo = await prepareRepository(join(tempDir(), 'r'));
    const bytes = pseudoRandomBytes(1024 * 1024, 8);
    const oid = await withStage(repo, async (stage) => {
      await stage.writeFile('data.bin', bytes);
      const result = await stage.commit({ message: 'x', author: AUTHOR });
      return (await listTree(repo.dir, result.oid))[0].oid;
    });
    git(repo.dir, ['gc', '-q']);
    const packDir = join(repo.gitdir, 'objects', 'pack');
    const pack = join(packDir, readdirSync(packDir).find((n) => n.endsWith('.pack'))!);
    expect(Buffer.from(await readBlob(repo.dir, oid)).equals(bytes)).toBe(true);
    chmodSync(pack, 0o644);
    const raw = readFileSync(pack);
    // The random blob is by far the largest object: its middle lies inside its compressed data.
    raw[Math.floor(raw.length / 2)] ^= 0x55;
    writeFileSync(pack, raw);
    const outDir = tempDir();
    await expect(copyBlobToFile(repo.dir, oid, join(outDir, 'x'))).rejects.toBeInstanceOf(CorruptObjectError);
    expect(readdirSync(outDir)).toEqual([]);
    await expect(readBlob(repo.dir, oid)).rejects.toBeInstanceOf(CorruptObjectError);
  });

  it('reports a missing object', async () => {
    const repo = await prepareRepository(join(tempDir(), 'r'));
    await expect(readBlob(repo.dir, 'ab'.repeat(20))).rejects.toBeInstanceOf(ObjectMissingError);
  });

  it('says when a directory is not a repository', async () => {
    await expect(resolveRef(tempDir(), 'HEAD')).rejects.toBeInstanceOf(NoRepositoryError);
  });
});

describe('SnapshotSource', () => {
  it('reads the same snapshot from a git ref (packed clone, bare clone) and from a plain folder', async () => {
    const folder = tempDir();
    for (const [path, bytes] of V[0]) {
      mkdirSync(join(folder, path, '..'), { recursive: true });
      writeFileSync(join(folder, path), bytes);
    }
    const bare = join(tempDir(), 'bare.git');
    git(tempDir(), ['clone', '-q', '--bare', packedClone, bare]);
    const sources = [
      await GitRefSource.open(packedClone, 'v1'),
      await openSnapshotSource(bare, { ref: 'v1' }),
      await openSnapshotSource(folder),
    ];
    expect(sources[2]).toBeInstanceOf(DirectorySource);
    const expectedList = [...V[0]].map(([path, b]) => ({ path, size: b.length }))
      .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
    for (const src of sources) {
      const listed = (await src.listFiles()).map(({ path, size }) => ({ path, size }));
      expect(listed).toEqual(expectedList);
      for (const [path, bytes] of V[0]) {
        expect(Buffer.from(await src.readFile(path)).equals(bytes)).toBe(true);
        const out = join(tempDir(), 'o');
        await src.copyFileTo(path, out);
        expect(readFileSync(out).equals(bytes)).toBe(true);
      }
      expect(await src.hasFile('manifest.json')).toBe(true);
      expect(await src.hasFile('nope.json')).toBe(false);
      await expect(src.readFile('nope.json')).rejects.toBeInstanceOf(SnapshotFileNotFoundError);
      await expect(src.readFile('../etc/passwd')).rejects.toMatchObject({ code: expect.stringMatching(/git-invalid-path|snapshot-file-missing/) });
    }
    expect(sources[0].describe()).toEqual({ kind: 'git', dir: packedClone, ref: 'v1', commit: commits[0], tree: git(packedClone, ['rev-parse', 'v1^{tree}']) });
    expect(await (sources[0] as GitRefSource).commitMessage()).toMatch(/^Snapshot v1/);
    expect(sources[2].describe()).toMatchObject({ kind: 'directory' });
  });

  it('reads a working repository at HEAD by default, and refuses a ref for a plain folder', async () => {
    const src = await openSnapshotSource(source);
    expect(src.describe()).toMatchObject({ kind: 'git', commit: commits[2] });
    expect((await src.listFiles()).map((f) => f.path)).toContain('new/file.txt');
    await expect(openSnapshotSource(tempDir(), { ref: 'v1' })).rejects.toBeInstanceOf(NoRepositoryError);
    expect(statSync(source).isDirectory()).toBe(true);
  });

  it('keeps a plain folder source inside its directory', async () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'a.txt'), 'a');
    const outside = tempDir();
    writeFileSync(join(outside, 'secret'), 's');
    cpSync(join(folder, 'a.txt'), join(folder, 'b.txt'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(outside, 'secret'), join(folder, 'escape'));
    const src = new DirectorySource(folder);
    await expect(src.readFile('escape')).rejects.toMatchObject({ code: 'snapshot-unsupported-entry' });
    expect(await src.hasFile('escape')).toBe(false);
    expect(await src.hasFile('b.txt')).toBe(true);
    await expect(src.listFiles()).rejects.toMatchObject({ code: 'snapshot-unsupported-entry' });
  });
});

describe('files read in place', () => {
  it('offers a checked-out file only while git would call it unmodified and it holds the blob of the ref read', async () => {
    const repo = await prepareRepository(join(tempDir(), 'inplace'));
    await commit(repo, V[0], 'v1');
    await commit(repo, V[2], 'v3');
    const at = async (ref: string, path: string) => (await GitRefSource.open(repo.dir, ref)).fileInPlace(path);

    // HEAD as checked out: every file; an older ref: only the files whose blob is unchanged.
    for (const path of V[2].keys()) expect(await at('HEAD', path)).toBe(join(repo.dir, path));
    expect(await at('HEAD~1', 'tables/a.parquet')).toBe(join(repo.dir, 'tables/a.parquet'));
    expect(await at('HEAD~1', 'tables/log.txt')).toBeNull();
    expect(await at('HEAD~1', 'manifest.json')).toBeNull();

    // Edited in place, same size: the stat data no longer match, so the blob is copied instead.
    const edited = join(repo.dir, 'tables/a.parquet');
    const bytes = readFileSync(edited);
    bytes[0] ^= 0xff;
    writeFileSync(edited, bytes);
    expect(await at('HEAD', 'tables/a.parquet')).toBeNull();
    const copy = join(tempDir(), 'a.parquet');
    await (await GitRefSource.open(repo.dir, 'HEAD')).copyFileTo('tables/a.parquet', copy);
    expect(readFileSync(copy).equals(V[2].get('tables/a.parquet')!)).toBe(true);

    // A symbolic link in place of a file is never read through.
    const linked = join(repo.dir, 'new/file.txt');
    const target = join(tempDir(), 'elsewhere.txt');
    writeFileSync(target, 'three');
    rmSync(linked);
    symlinkSync(target, linked);
    expect(await at('HEAD', 'new/file.txt')).toBeNull();
  });

  it('offers nothing from a bare repository', async () => {
    const bare = join(tempDir(), 'bare.git');
    git(tempDir(), ['clone', '-q', '--bare', source, bare]);
    const src = await GitRefSource.open(bare, 'HEAD');
    expect(await src.fileInPlace('manifest.json')).toBeNull();
    expect(Buffer.from(await src.readFile('manifest.json')).equals(V[2].get('manifest.json')!)).toBe(true);
  });
});
