import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DetachedHeadError, DirtyWorkingTreeError, NotAGitRepositoryError, prepareRepository, TargetNotADirectoryError,
  TargetNotWritableError, UnsupportedRepositoryError, workingTreeStatus,
} from '../../src/git/index.js';
import { EXIT } from '../../src/errors/base.js';
import { cleanupTempDirs, fsck, git, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

/** A CLI-made repository with one commit: tracked files, an ignore file, nested directories. */
function cliRepo(): string {
  const dir = join(tempDir(), 'repo');
  mkdirSync(join(dir, 'dir', 'sub'), { recursive: true });
  git(dir, ['init', '-q']);
  writeFileSync(join(dir, 'a.txt'), 'alpha\n');
  writeFileSync(join(dir, 'dir', 'b.txt'), 'beta\n');
  writeFileSync(join(dir, 'dir', 'sub', 'c.bin'), Buffer.from([0, 1, 2, 3]));
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  writeFileSync(join(dir, '.gitignore'), '*.log\nbuild/\n/cache\n');
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'initial']);
  return dir;
}

/** What `git status --porcelain` prints (the referee for every clean/dirty verdict). */
function porcelain(dir: string): string {
  return git(dir, ['status', '--porcelain']);
}

async function dirtyError(dir: string): Promise<DirtyWorkingTreeError> {
  const err = await prepareRepository(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DirtyWorkingTreeError);
  return err as DirtyWorkingTreeError;
}

describe('prepareRepository: creating', () => {
  it('initialises an absent directory (parents too) on branch main, readable by git', async () => {
    const dir = join(tempDir(), 'a', 'b', 'snap');
    const repo = await prepareRepository(dir);
    expect(repo).toMatchObject({ dir, gitdir: join(dir, '.git'), branch: 'main', ref: 'refs/heads/main', created: true, recovered: null });
    expect(git(dir, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/main');
    expect(git(dir, ['config', '--bool', 'core.filemode'])).toBe('true');
    expect(git(dir, ['config', '--bool', 'core.bare'])).toBe('false');
    expect(porcelain(dir)).toBe('');
    fsck(dir);
  });

  it('initialises an empty directory, honouring another default branch', async () => {
    const dir = tempDir();
    const repo = await prepareRepository(dir, { defaultBranch: 'snapshots' });
    expect(repo.created).toBe(true);
    expect(git(dir, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/snapshots');
  });
});

describe('prepareRepository: opening', () => {
  it('opens a clean repository made by git, keeping its branch', async () => {
    const dir = cliRepo();
    git(dir, ['switch', '-q', '-c', 'feature']);
    writeFileSync(join(dir, 'x.log'), 'ignored\n');
    mkdirSync(join(dir, 'build'));
    writeFileSync(join(dir, 'build', 'out.o'), 'ignored\n');
    const repo = await prepareRepository(dir);
    expect(repo).toMatchObject({ dir, branch: 'feature', ref: 'refs/heads/feature', created: false });
  });

  it('opens an unborn repository (git init, no commit yet)', async () => {
    const dir = tempDir();
    git(dir, ['init', '-q']);
    expect((await prepareRepository(dir)).branch).toBe('main');
  });

  it('reads index versions 3 and 4', async () => {
    for (const version of ['3', '4']) {
      const dir = cliRepo();
      git(dir, ['update-index', '--index-version', version]);
      await expect(prepareRepository(dir)).resolves.toMatchObject({ created: false });
      writeFileSync(join(dir, 'dir', 'b.txt'), 'BETA\n');
      expect(porcelain(dir)).not.toBe('');
      expect((await dirtyError(dir)).data).toMatchObject({ modified: ['dir/b.txt'] });
    }
  });
});

describe('prepareRepository: refusing', () => {
  it('refuses a non-empty directory that is not a repository, and leaves it alone', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const err = await prepareRepository(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotAGitRepositoryError);
    expect(err).toMatchObject({ code: 'git-not-a-repository', exitCode: EXIT.target, data: { dir } });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a path that is a file', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    await expect(prepareRepository(file)).rejects.toBeInstanceOf(TargetNotADirectoryError);
  });

  it('refuses a detached HEAD', async () => {
    const dir = cliRepo();
    git(dir, ['checkout', '-q', '--detach']);
    const err = await prepareRepository(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DetachedHeadError);
    expect((err as Error).message).toMatch(/git switch/);
  });

  it('refuses bare repositories, .git files and SHA-256 repositories', async () => {
    const bare = tempDir();
    git(bare, ['init', '-q', '--bare']);
    await expect(prepareRepository(bare)).rejects.toThrow(/bare repository/);
    const linked = tempDir();
    writeFileSync(join(linked, '.git'), 'gitdir: /elsewhere\n');
    await expect(prepareRepository(linked)).rejects.toBeInstanceOf(UnsupportedRepositoryError);
    const sha256 = tempDir();
    git(sha256, ['init', '-q', '--object-format=sha256']);
    await expect(prepareRepository(sha256)).rejects.toThrow(/sha256/);
  });

  it('refuses a split index with a way out', async () => {
    const dir = cliRepo();
    git(dir, ['update-index', '--split-index']);
    await expect(prepareRepository(dir)).rejects.toThrow(/split index.*--no-split-index/);
  });

  it('refuses directories it cannot write', async () => {
    const base = tempDir();
    chmodSync(base, 0o755);
    const readOnlyEmpty = join(base, 'ro-empty');
    const readOnlyParent = join(base, 'ro-parent');
    const readOnlyRepo = cliRepo();
    chmodSync(join(readOnlyRepo, '..'), 0o755);
    mkdirSync(readOnlyEmpty, { mode: 0o555 });
    mkdirSync(readOnlyParent, { mode: 0o555 });
    chmodSync(readOnlyEmpty, 0o555);
    chmodSync(readOnlyParent, 0o555);
    chmodSync(join(readOnlyRepo, '.git', 'objects'), 0o555);
    // root writes anywhere: drop to an unprivileged effective uid for the attempt.
    const asRoot = process.getuid?.() === 0;
    const attempt = async (dir: string): Promise<unknown> => {
      if (asRoot) process.seteuid!(65534);
      try {
        return await prepareRepository(dir).catch((e: unknown) => e);
      } finally {
        if (asRoot) process.seteuid!(0);
      }
    };
    for (const dir of [readOnlyEmpty, join(readOnlyParent, 'new'), readOnlyRepo]) {
      const err = await attempt(dir);
      expect(err, dir).toBeInstanceOf(TargetNotWritableError);
      expect(err).toMatchObject({ code: 'git-target-not-writable', exitCode: EXIT.target });
    }
    expect(existsSync(join(readOnlyEmpty, '.git'))).toBe(false);
    chmodSync(join(readOnlyRepo, '.git', 'objects'), 0o755);
  });
});

describe('prepareRepository: dirty working trees', () => {
  it('refuses a modified file, even with the same size and an old mtime', async () => {
    const dir = cliRepo();
    const path = join(dir, 'a.txt');
    const before = statSync(path);
    writeFileSync(path, 'ALPHA\n');
    utimesSync(path, before.atime, before.mtime);
    expect(porcelain(dir)).toBe('M a.txt');
    const err = await dirtyError(dir);
    expect(err.data).toMatchObject({ modified: ['a.txt'], counts: { modified: 1, staged: 0, deleted: 0, untracked: 0 } });
    expect(err.message).toMatch(/1 modified \(a\.txt\)/);
  });

  it('refuses a deleted file', async () => {
    const dir = cliRepo();
    rmSync(join(dir, 'dir', 'sub', 'c.bin'));
    expect(porcelain(dir)).toBe('D dir/sub/c.bin');
    expect((await dirtyError(dir)).data).toMatchObject({ deleted: ['dir/sub/c.bin'] });
  });

  it('refuses a changed executable bit', async () => {
    const dir = cliRepo();
    chmodSync(join(dir, 'run.sh'), 0o644);
    expect(porcelain(dir)).toBe('M run.sh');
    expect((await dirtyError(dir)).data).toMatchObject({ modified: ['run.sh'] });
  });

  it('refuses staged changes: a modification, a new file, a removal', async () => {
    const cases: Array<[string, (dir: string) => void, string[]]> = [
      ['modification', (d) => { writeFileSync(join(d, 'a.txt'), 'staged\n'); git(d, ['add', 'a.txt']); }, ['a.txt']],
      ['new file', (d) => { writeFileSync(join(d, 'new.txt'), 'n\n'); git(d, ['add', 'new.txt']); }, ['new.txt']],
      ['removal', (d) => { git(d, ['rm', '-q', '--cached', 'dir/b.txt']); }, ['dir/b.txt']],
    ];
    for (const [name, change, staged] of cases) {
      const dir = cliRepo();
      change(dir);
      expect(porcelain(dir), name).not.toBe('');
      const data = (await dirtyError(dir)).data as { staged: string[] };
      expect(data.staged, name).toEqual(staged);
    }
  });

  it('refuses untracked files and directories the way git lists them, accepts ignored ones', async () => {
    const dir = cliRepo();
    writeFileSync(join(dir, 'dir', 'new.txt'), 'u');
    mkdirSync(join(dir, 'fresh', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'fresh', 'deeper', 'f'), 'u');
    mkdirSync(join(dir, 'onlyignored'));
    writeFileSync(join(dir, 'onlyignored', 'x.log'), 'i');
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'cache'), 'ignored (anchored)');
    writeFileSync(join(dir, 'dir', 'cache'), 'not ignored: /cache is anchored at the root');
    const status = await workingTreeStatus({ dir, gitdir: join(dir, '.git') });
    const expected = porcelain(dir).split('\n').map((l) => l.slice(3)).sort();
    expect(status.untracked.sort()).toEqual(expected);
    expect(expected).toEqual(['dir/cache', 'dir/new.txt', 'fresh/']);
    expect((await dirtyError(dir)).data).toMatchObject({ counts: { untracked: 3 } });
  });

  it('agrees with git on a tricky set of ignore rules', async () => {
    const dir = cliRepo();
    writeFileSync(join(dir, '.gitignore'), [
      '# comment', '*.tmp', '!keep.tmp', 'logs/**', '!logs/important/', 'doc/**/*.pdf', 'a?c', '[Tt]humbs.db',
      'trailing\\ ', 'only-dir/', 'nested/deep/x', '\\#hash', '**/generated', 'tmp*/', '*.o',
    ].join('\n') + '\n');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', '.gitignore'), '!*.o\n/local\nrel/path\n');
    git(dir, ['add', '.gitignore', 'sub/.gitignore']);
    git(dir, ['commit', '-q', '-m', 'ignores']);
    const files = [
      'x.tmp', 'keep.tmp', 'sub/keep.tmp', 'logs/a', 'logs/important/b', 'doc/x.pdf', 'doc/a/b/y.pdf', 'doc/y.txt',
      'abc', 'abbc', 'Thumbs.db', 'thumbs.db', 'trailing ', 'trailing', 'only-dir/f', 'only-dir-file',
      'nested/deep/x', 'other/nested/deep/x', '#hash', 'q/generated', 'r/generated/z', 'tmp1/a', 'tmpfile',
      'main.o', 'sub/kept.o', 'sub/local', 'sub/x/local', 'sub/rel/path', 'rel/path',
    ];
    for (const f of files) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), f);
    }
    const status = await workingTreeStatus({ dir, gitdir: join(dir, '.git') }, { limit: 1000 });
    const referee = git(dir, ['status', '--porcelain', '-z'], { raw: true }).split('\0').filter(Boolean).map((l) => l.slice(3)).sort();
    expect(status.untracked.sort()).toEqual(referee);
  });
});
