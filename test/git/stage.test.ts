import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BranchMovedError, commitTree, DirtyWorkingTreeError, prepareRepository, RepositoryLockedError, SnapshotStage,
  withStage, writeBlobBytes, writeTree, type CommitPhase, type Repo,
} from '../../src/git/index.js';
import { writeCommitObject } from '../../src/git/commit.js';
import { updateRef } from '../../src/git/refs.js';
import { resolveIdentity } from '../../src/git/commit-format.js';
import { applyChanges, diffTrees, journalPath, writeJournal } from '../../src/git/worktree.js';
import { flattenTree } from '../../src/git/tree-walk.js';
import { objectDatabase } from '../../src/git/odb.js';
import { AUTHOR, cleanupTempDirs, fsck, git, pseudoRandomBytes, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

type Files = Map<string, Buffer>;

/** Every file of a working tree (without .git) with its bytes. */
function readTree(dir: string, rel = '', out: Files = new Map()): Files {
  for (const d of readdirSync(rel ? join(dir, rel) : dir, { withFileTypes: true })) {
    if (d.name === '.git') continue;
    const path = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) readTree(dir, path, out);
    else out.set(path, readFileSync(join(dir, path)));
  }
  return out;
}

function digest(files: Files): Record<string, string> {
  return Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, b]) => [p, createHash('sha1').update(b).digest('hex')]));
}

/** 2,000 small files in nested directories plus a few multi-MB files. */
function sampleSnapshot(): Files {
  const files: Files = new Map();
  for (let i = 0; i < 2000; i++) {
    files.set(`tables/schema_${i % 7}/table_${i % 40}/part-${String(i).padStart(5, '0')}.json`, Buffer.from(JSON.stringify({ i, v: `row ${i}` })));
  }
  files.set('objects/store/big-random.bin', pseudoRandomBytes(6 * 1024 * 1024, 11));
  files.set('objects/store/big-zeros.npy', Buffer.alloc(5 * 1024 * 1024));
  files.set('tables/schema_0/wide.parquet', pseudoRandomBytes(3 * 1024 * 1024 + 17, 5));
  files.set('manifest.json', Buffer.from('{"format":"dj-snapshot/1"}\n'));
  return files;
}

async function commitFiles(repo: Repo, files: Files, message = 'snapshot', onPhase?: (p: CommitPhase) => void | Promise<void>) {
  return withStage(repo, async (stage) => {
    for (const [path, bytes] of files) await stage.writeFile(path, bytes);
    return stage.commit({ message, author: AUTHOR, onPhase });
  });
}

function objectCount(repo: Repo): number {
  return readdirSync(join(repo.gitdir, 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))
    .reduce((n, d) => n + readdirSync(join(repo.gitdir, 'objects', d)).length, 0);
}

/**
 * HEAD, files and index as before, fsck without a complaint. After an in-process failure not even
 * a dangling object remains; after a crash the abandoned commit may stay dangling (harmless,
 * `git gc` prunes it; deleting it could break a commit someone made with the same content since).
 */
function assertIntact(repo: Repo, head: string, files: Files, after: 'failure' | 'crash' = 'failure'): void {
  expect(git(repo.dir, ['rev-parse', 'HEAD'])).toBe(head);
  expect(digest(readTree(repo.dir))).toEqual(digest(files));
  expect(git(repo.dir, ['status', '--porcelain'])).toBe('');
  const report = fsck(repo.dir);
  if (after === 'failure') expect(report).toBe('');
  else expect(report.split('\n').filter((l) => l && !l.startsWith('dangling '))).toEqual([]);
  expect(existsSync(journalPath(repo.gitdir))).toBe(false);
  const staging = join(repo.gitdir, 'dj-snapshot', 'staging');
  expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
}

describe('SnapshotStage: committing', () => {
  let repo: Repo;
  let first: string;
  const files = sampleSnapshot();

  it('commits 2,000 small and a few multi-MB files: fsck clean, status clean, clone identical', async () => {
    repo = await prepareRepository(join(tempDir(), 'snap'));
    const result = await commitFiles(repo, files, 'First snapshot\n\nrun: {"n": 1}');
    first = result.oid;
    expect(result).toMatchObject({ unchanged: false, parent: null, changes: { added: files.size, modified: 0, removed: 0 } });
    expect(fsck(repo.dir)).toBe('');
    const ourIndex = readFileSync(join(repo.gitdir, 'index'));
    expect(git(repo.dir, ['status', '--porcelain'])).toBe('');
    // git status refreshes and rewrites the index: byte-identical means git found nothing to fix.
    expect(readFileSync(join(repo.gitdir, 'index')).equals(ourIndex)).toBe(true);
    expect(git(repo.dir, ['rev-parse', 'HEAD'])).toBe(result.oid);
    expect(git(repo.dir, ['rev-parse', 'HEAD^{tree}'])).toBe(result.tree);
    expect(git(repo.dir, ['log', '-1', '--format=%B'])).toBe('First snapshot\n\nrun: {"n": 1}');
    expect(git(repo.dir, ['log', '-1', '--format=%an <%ae> %at %ai'])).toBe('DJ Snapshot <export@example.org> 1700000000 2023-11-15 00:13:20 +0200');
    expect(git(repo.dir, ['reflog', '-1', '--format=%gs'])).toBe('commit (initial): First snapshot');
    // The tree id git computes itself from the checked-out files.
    const index = join(tempDir(), 'index');
    git(repo.dir, ['add', '-A'], { env: { GIT_INDEX_FILE: index } });
    expect(git(repo.dir, ['write-tree'], { env: { GIT_INDEX_FILE: index } })).toBe(result.tree);
    expect(digest(readTree(repo.dir))).toEqual(digest(files));
    const clone = join(tempDir(), 'clone');
    git(tempDir(), ['clone', '-q', repo.dir, clone]);
    expect(digest(readTree(clone))).toEqual(digest(files));
  });

  it('reports a second identical snapshot as unchanged and writes nothing', async () => {
    const objects = objectCount(repo);
    const before = statSync(join(repo.gitdir, 'index')).mtimeMs;
    const result = await commitFiles(repo, files, 'again');
    expect(result).toMatchObject({ unchanged: true, oid: first, parent: first });
    expect(objectCount(repo)).toBe(objects);
    expect(statSync(join(repo.gitdir, 'index')).mtimeMs).toBe(before);
    assertIntact(repo, first, files);
  });

  it('commits a change with the previous commit as parent; removed files and emptied directories disappear', async () => {
    const next = new Map(files);
    next.set('manifest.json', Buffer.from('{"format":"dj-snapshot/1","v":2}\n'));
    next.set('tables/schema_9/new.json', Buffer.from('{}'));
    for (const path of [...next.keys()]) if (path.startsWith('tables/schema_3/')) next.delete(path);
    next.delete('objects/store/big-zeros.npy');
    mkdirSync(join(repo.gitdir, 'info'), { recursive: true });
    writeFileSync(join(repo.gitdir, 'info', 'exclude'), '*.log\n');
    writeFileSync(join(repo.dir, 'tables', 'schema_3', 'export.log'), 'ignored: survives');
    const removed = [...files.keys()].filter((p) => !next.has(p)).length;
    const result = await commitFiles(repo, next, 'second');
    expect(result).toMatchObject({ unchanged: false, parent: first, changes: { added: 1, modified: 1, removed } });
    expect(git(repo.dir, ['rev-parse', 'HEAD^'])).toBe(first);
    expect(git(repo.dir, ['diff', '--name-status', 'HEAD^', 'HEAD']).split('\n')).toHaveLength(removed + 2);
    expect(existsSync(join(repo.dir, 'objects', 'store', 'big-zeros.npy'))).toBe(false);
    expect(readdirSync(join(repo.dir, 'tables', 'schema_3'))).toEqual(['export.log']);
    expect(readFileSync(join(repo.dir, 'manifest.json'), 'utf8')).toContain('"v":2');
    rmSync(join(repo.dir, 'tables', 'schema_3'), { recursive: true });
    assertIntact(repo, result.oid, next);
    first = result.oid;
  });

  it('carries unchanged files over by id without staging them, and sets executable bits', async () => {
    const stage = await SnapshotStage.begin(repo);
    const base = await stage.baseEntries();
    for (const e of base) if (e.path !== 'manifest.json') stage.reuse(e.path, e.oid, e.mode);
    await stage.writeFile('manifest.json', '{"v":3}\n');
    await stage.writeFile('bin/run.sh', '#!/bin/sh\necho hi\n', { executable: true });
    const result = await stage.commit({ message: 'third', author: AUTHOR });
    expect(result.changes).toEqual({ added: 1, modified: 1, removed: 0 });
    expect(git(repo.dir, ['ls-tree', 'HEAD', 'bin/run.sh']).split(/\s/)[0]).toBe('100755');
    expect(statSync(join(repo.dir, 'bin', 'run.sh')).mode & 0o111).not.toBe(0);
    expect(git(repo.dir, ['status', '--porcelain'])).toBe('');
    expect(fsck(repo.dir)).toBe('');
    first = result.oid;
  });

  it('refuses a second transaction while one is open, and a working tree edited meanwhile', async () => {
    const stage = await SnapshotStage.begin(repo);
    await expect(SnapshotStage.begin(repo)).rejects.toBeInstanceOf(RepositoryLockedError);
    await stage.writeFile('manifest.json', 'changed');
    writeFileSync(join(repo.dir, 'stray.txt'), 'user edit');
    await expect(stage.commit({ message: 'x', author: AUTHOR })).rejects.toBeInstanceOf(DirtyWorkingTreeError);
    expect(existsSync(join(repo.dir, 'stray.txt'))).toBe(true);
    rmSync(join(repo.dir, 'stray.txt'));
    expect(git(repo.dir, ['rev-parse', 'HEAD'])).toBe(first);
    expect(fsck(repo.dir)).toBe('');
    await SnapshotStage.begin(repo).then((s) => s.discard()); // the lock was released
  });

  it('refuses to commit when the branch moved since the stage began', async () => {
    const stage = await SnapshotStage.begin(repo);
    await stage.writeFile('only.txt', 'x');
    git(repo.dir, ['commit', '-q', '--allow-empty', '-m', 'someone else']);
    const moved = git(repo.dir, ['rev-parse', 'HEAD']);
    await expect(stage.commit({ message: 'x', author: AUTHOR })).rejects.toBeInstanceOf(BranchMovedError);
    expect(git(repo.dir, ['rev-parse', 'HEAD'])).toBe(moved);
    expect(git(repo.dir, ['status', '--porcelain'])).toBe('');
  });
});

describe('SnapshotStage: failures leave the previous commit intact', () => {
  it('discards everything when the caller throws between staging and commit', async () => {
    const repo = await prepareRepository(join(tempDir(), 'snap'));
    const files = new Map([['a.txt', Buffer.from('a')], ['d/b.txt', Buffer.from('b')]]);
    const { oid } = await commitFiles(repo, files);
    const objects = objectCount(repo);
    await expect(withStage(repo, async (stage) => {
      await stage.writeFile('a.txt', 'changed');
      await stage.writeFile('new.bin', pseudoRandomBytes(2 * 1024 * 1024));
      await stage.buildTree();
      throw new Error('export failed half-way');
    })).rejects.toThrow('export failed half-way');
    expect(objectCount(repo)).toBe(objects);
    assertIntact(repo, oid, files);
  });

  it('undoes a commit that fails at any phase before the branch moves', async () => {
    const repo = await prepareRepository(join(tempDir(), 'snap'));
    const files = new Map([['a.txt', Buffer.from('a')], ['d/b.txt', Buffer.from('b')], ['d/e/c.txt', Buffer.from('c')]]);
    const { oid } = await commitFiles(repo, files);
    const next = new Map([['a.txt', Buffer.from('A!')], ['d/e', Buffer.from('file replacing a directory')], ['z/new.txt', Buffer.from('n')]]);
    for (const failAt of ['objects-written', 'tree-built', 'commit-written', 'worktree-updated', 'index-written'] as const) {
      await expect(commitFiles(repo, next, 'doomed', (p) => {
        if (p === failAt) throw new Error(`crash at ${p}`);
      }), failAt).rejects.toThrow(`crash at ${failAt}`);
      assertIntact(repo, oid, files);
    }
  });

  it('rolls back after a process death mid-update (branch not moved), on the next prepareRepository', async () => {
    const repo = await prepareRepository(join(tempDir(), 'snap'));
    const files = new Map([['a.txt', Buffer.from('a')], ['d/b.txt', Buffer.from('b')], ['keep.txt', Buffer.from('k')]]);
    const { oid: base, tree: baseTree } = await commitFiles(repo, files);
    // Reproduce the state a kill leaves: objects and commit stored, journal written, half the files replaced.
    const entries = [
      { path: 'a.txt', oid: await writeBlobBytes(repo, Buffer.from('new a')), mode: '100644' as const },
      { path: 'keep.txt', oid: await writeBlobBytes(repo, Buffer.from('k')), mode: '100644' as const },
      { path: 'n/new.txt', oid: await writeBlobBytes(repo, Buffer.from('added')), mode: '100644' as const },
    ];
    const tree = await writeTree(repo, entries);
    const { oid: commit } = await writeCommitObject(repo, base, { tree, message: 'killed', author: AUTHOR });
    const changes = diffTrees(await flattenTree(objectDatabase(repo.gitdir), baseTree), entries);
    await writeJournal(repo.gitdir, { version: 1, ref: repo.ref, base, commit, baseTree, tree, stagingDir: null, changes });
    await applyChanges(repo.dir, repo.gitdir, changes.filter((c) => c.path !== 'd/b.txt'), { side: 'to', stagingDir: null, verifyExisting: false });
    expect(git(repo.dir, ['status', '--porcelain'])).not.toBe('');
    const reopened = await prepareRepository(repo.dir);
    expect(reopened.recovered).toBe('rolled-back');
    assertIntact(repo, base, files, 'crash');
  });

  it('finishes the update after a process death once the branch has moved', async () => {
    const repo = await prepareRepository(join(tempDir(), 'snap'));
    const files = new Map([['a.txt', Buffer.from('a')], ['d/b.txt', Buffer.from('b')]]);
    const { oid: base } = await commitFiles(repo, files);
    const next = new Map([['a.txt', Buffer.from('A')], ['e/f.txt', Buffer.from('f')]]);
    // Hang at the last phase before the branch moves, then "kill" the process (drop its lock).
    let reached: () => void = () => undefined;
    const hung = new Promise<void>((r) => { reached = r; });
    void commitFiles(repo, next, 'killed', (p) => {
      if (p !== 'index-written') return;
      reached();
      return new Promise<void>(() => undefined);
    });
    await hung;
    const journal = JSON.parse(readFileSync(journalPath(repo.gitdir), 'utf8')) as { commit: string };
    rmSync(join(repo.gitdir, 'dj-snapshot', 'lock'));
    // Nothing new starts on top of an interrupted commit: prepareRepository must resolve it first.
    await expect(SnapshotStage.begin(repo)).rejects.toMatchObject({ code: 'git-interrupted-transaction' });
    await updateRef(repo.gitdir, repo.ref, journal.commit, base, { who: resolveIdentity('c', AUTHOR), message: 'moved before death' });
    const reopened = await prepareRepository(repo.dir);
    expect(reopened.recovered).toBe('rolled-forward');
    assertIntact(repo, journal.commit, next, 'crash');
  });
});

describe('commitTree', () => {
  it('commits a tree on the branch with HEAD as parent, or reports it unchanged', async () => {
    const repo = await prepareRepository(join(tempDir(), 'snap'));
    const tree1 = await writeTree(repo, [{ path: 'x', oid: await writeBlobBytes(repo, Buffer.from('1')), mode: '100644' }]);
    const c1 = await commitTree(repo, { tree: tree1, message: 'one', author: AUTHOR });
    expect(c1).toMatchObject({ unchanged: false, parent: null });
    expect(await commitTree(repo, { tree: tree1, message: 'same', author: AUTHOR })).toEqual({ oid: c1.oid, unchanged: true, tree: tree1, parent: c1.oid });
    const tree2 = await writeTree(repo, [{ path: 'x', oid: await writeBlobBytes(repo, Buffer.from('2')), mode: '100644' }]);
    const c2 = await commitTree(repo, { tree: tree2, message: 'two', author: AUTHOR, committer: { ...AUTHOR, name: 'Robot' } });
    expect(c2.parent).toBe(c1.oid);
    expect(git(repo.dir, ['log', '--format=%H %P %cn', '-1'])).toBe(`${c2.oid} ${c1.oid} Robot`);
    expect(fsck(repo.dir)).toBe('');
  });
});

describe('SnapshotStage: repositories made elsewhere', () => {
  it('exports into a clone whose objects are packed: unchanged detection, then a new commit', async () => {
    const origin = await prepareRepository(join(tempDir(), 'origin'));
    const files = new Map([['a.txt', Buffer.from('a')], ['t/big.bin', pseudoRandomBytes(300_000, 3)], ['t/c.txt', Buffer.from('c')]]);
    const first = await commitFiles(origin, files);
    git(origin.dir, ['gc', '-q']);
    git(origin.dir, ['config', 'receive.denyCurrentBranch', 'ignore']);
    const cloneDir = join(tempDir(), 'clone');
    git(tempDir(), ['clone', '-q', '--no-local', origin.dir, cloneDir]);
    const clone = await prepareRepository(cloneDir);
    expect(clone.created).toBe(false);
    expect((await commitFiles(clone, files)).unchanged).toBe(true);
    const next = new Map(files);
    next.set('t/c.txt', Buffer.from('changed in the clone'));
    const result = await commitFiles(clone, next, 'from the clone');
    expect(result.parent).toBe(first.oid);
    assertIntact(clone, result.oid, next);
    git(cloneDir, ['push', '-q', 'origin', 'main:refs/heads/from-clone']);
    expect(git(origin.dir, ['rev-parse', 'from-clone'])).toBe(result.oid);
  });

  it('keeps and rewrites symlinks committed by git', async () => {
    const dir = join(tempDir(), 'links');
    mkdirSync(dir);
    git(dir, ['init', '-q']);
    writeFileSync(join(dir, 'target.txt'), 't');
    symlinkSync('target.txt', join(dir, 'link'));
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'with a link']);
    const repo = await prepareRepository(dir);
    const stage = await SnapshotStage.begin(repo);
    stage.reuse('link', await writeBlobBytes(repo, Buffer.from('other.txt')), '120000');
    await stage.writeFile('target.txt', 't');
    await stage.writeFile('other.txt', 'o');
    const result = await stage.commit({ message: 'relink', author: AUTHOR });
    expect(result.changes).toEqual({ added: 1, modified: 1, removed: 0 });
    expect(readlinkSync(join(dir, 'link'))).toBe('other.txt');
    expect(git(dir, ['status', '--porcelain'])).toBe('');
    expect(fsck(dir)).toBe('');
  });
});
