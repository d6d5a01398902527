import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { afterAll, describe, expect, it } from 'vitest';
import {
  hashBlobBytes, hashBlobFile, hashTree, InvalidTreePathError, ObjectMissingError, prepareRepository,
  writeBlobBytes, writeBlobFile, writeTree, type TreeEntry,
} from '../../src/git/index.js';
import { encodeCommit, resolveIdentity } from '../../src/git/commit-format.js';
import { LooseObjectWriter } from '../../src/git/objects.js';
import { AUTHOR, cleanupTempDirs, fsck, git as cli, pseudoRandomBytes, tempDir } from './helpers.js';

afterAll(cleanupTempDirs);

describe('blob objects', () => {
  it('stores small and large files under the id git computes, at every level', async () => {
    const repo = await prepareRepository(join(tempDir(), 'repo'));
    const files = tempDir();
    const cases: Array<[string, Buffer, 0 | 1 | 'auto']> = [
      ['empty', Buffer.alloc(0), 1],
      ['text', Buffer.from('hello\nworld\n'), 'auto'],
      ['random-3mb', pseudoRandomBytes(3 * 1024 * 1024, 7), 0],
      ['zeros-3mb', Buffer.alloc(3 * 1024 * 1024), 'auto'],
      ['random-2mb-l1', pseudoRandomBytes(2 * 1024 * 1024, 9), 1],
    ];
    for (const [name, bytes, level] of cases) {
      const path = join(files, name);
      writeFileSync(path, bytes);
      const oid = await writeBlobFile(repo, path, { level });
      expect(oid).toBe(cli(files, ['hash-object', path]));
      expect(await hashBlobFile(path)).toBe(oid);
      expect(hashBlobBytes(bytes)).toBe(oid);
      expect(cli(repo.dir, ['cat-file', '-t', oid])).toBe('blob');
      expect(Number(cli(repo.dir, ['cat-file', '-s', oid]))).toBe(bytes.length);
    }
    const bytesOid = await writeBlobBytes(repo, Buffer.from('bytes'));
    expect(cli(repo.dir, ['cat-file', 'blob', bytesOid])).toBe('bytes');
    expect(fsck(repo.dir)).not.toMatch(/error|missing|corrupt/i);
  });

  it('stores incompressible data uncompressed under auto, compressible data compressed', async () => {
    const repo = await prepareRepository(join(tempDir(), 'repo'));
    const files = tempDir();
    const random = join(files, 'random');
    const zeros = join(files, 'zeros');
    writeFileSync(random, pseudoRandomBytes(4 * 1024 * 1024, 3));
    writeFileSync(zeros, Buffer.alloc(4 * 1024 * 1024));
    const loose = (oid: string): number => fs.statSync(join(repo.gitdir, 'objects', oid.slice(0, 2), oid.slice(2))).size;
    expect(loose(await writeBlobFile(repo, random))).toBeGreaterThan(4 * 1024 * 1024);
    expect(loose(await writeBlobFile(repo, zeros))).toBeLessThan(100 * 1024);
  });

  it('stores new content in one pass (maybeStored: false) under the same id, also when it is stored already', async () => {
    const repo = await prepareRepository(join(tempDir(), 'repo'));
    const files = tempDir();
    const path = join(files, 'big');
    writeFileSync(path, pseudoRandomBytes(3 * 1024 * 1024, 11));
    const writer = new LooseObjectWriter(repo.gitdir);
    const first = await writer.writeBlobFile(path, { maybeStored: false });
    expect(first.oid).toBe(cli(files, ['hash-object', path]));
    expect(first.size).toBe(3 * 1024 * 1024);
    expect(writer.created).toEqual([first.oid]);
    // The same content again, told it is new: same id, not created twice, no temporary left.
    const again = await writer.writeBlobFile(path, { maybeStored: false });
    expect(again.oid).toBe(first.oid);
    expect(writer.created).toEqual([first.oid]);
    expect(fs.readdirSync(join(repo.gitdir, 'objects')).filter((n) => n.startsWith('tmp_obj'))).toEqual([]);
    expect(fsck(repo.dir)).not.toMatch(/error|missing|corrupt/i);
  });

  it('notices a file that changes while it is hashed', async () => {
    const path = join(tempDir(), 'f');
    writeFileSync(path, 'four');
    await expect(hashBlobFile(path, 5)).rejects.toMatchObject({ code: 'git-concurrent-modification' });
  });

  it('does not rewrite an object that is already stored, and leaves no temporary files', async () => {
    const repo = await prepareRepository(join(tempDir(), 'repo'));
    const writer = new LooseObjectWriter(repo.gitdir);
    const a = await writer.writeBytes('blob', Buffer.from('same'));
    const b = await writer.writeBytes('blob', Buffer.from('same'));
    expect(a).toBe(b);
    expect(writer.created).toEqual([a]);
    expect(fs.readdirSync(join(repo.gitdir, 'objects')).filter((n) => n.startsWith('tmp_obj'))).toEqual([]);
  });
});

describe('tree objects', () => {
  it('builds nested trees in git order with the same ids as git write-tree', async () => {
    const repo = await prepareRepository(join(tempDir(), 'repo'));
    const ref = tempDir();
    cli(ref, ['init', '-q']);
    // Names that sort differently as files and as trees (`a` vs `a.b`, `a-b`, `a0`), nesting, exec bit.
    const files: Array<[string, string, boolean]> = [
      ['a.b', 'dot', false], ['a-b', 'dash', false], ['a0', 'zero', false], ['a/b', 'nested', false],
      ['a/c/d.txt', 'deep', false], ['b', 'exec', true], ['Z', 'upper', false], ['é.txt', 'utf8 name', false],
      ['tables/x.parquet', 'parquet', false], ['tables/x/y', 'dir named like file', false],
    ];
    const entries: TreeEntry[] = [];
    for (const [path, content, exec] of files) {
      const abs = join(ref, path);
      mkdirSync(join(abs, '..'), { recursive: true });
      writeFileSync(abs, content);
      if (exec) fs.chmodSync(abs, 0o755);
      entries.push({ path, oid: await writeBlobBytes(repo, Buffer.from(content)), mode: exec ? '100755' : '100644' });
    }
    cli(ref, ['add', '-A']);
    const expected = cli(ref, ['write-tree']);
    expect(await hashTree(entries)).toBe(expected);
    expect(await writeTree(repo, [...entries].reverse())).toBe(expected);
    expect(cli(repo.dir, ['cat-file', '-t', expected])).toBe('tree');
  });

  it('gives the empty tree for no files', async () => {
    expect(await hashTree([])).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it('refuses paths git cannot store or fsck rejects', async () => {
    const oid = hashBlobBytes(Buffer.from('x'));
    const bad = ['', '/abs', 'a//b', 'a/', '../x', 'a/./b', '.git/config', 'sub/.GIT/x', '.git. /x', 'a\\b', 'nul\0byte'];
    for (const path of bad) {
      await expect(hashTree([{ path, oid, mode: '100644' }]), path).rejects.toBeInstanceOf(InvalidTreePathError);
    }
    await expect(hashTree([{ path: 'a', oid, mode: '100644' }, { path: 'a', oid, mode: '100644' }])).rejects.toThrow(/twice/);
    await expect(hashTree([{ path: 'a', oid, mode: '100644' }, { path: 'a/b', oid, mode: '100644' }])).rejects.toThrow(/also a file/);
    await expect(hashTree([{ path: 'a/b', oid, mode: '100644' }, { path: 'a', oid, mode: '100644' }])).rejects.toThrow(/also a directory/);
    await expect(hashTree([{ path: 'a', oid: 'xyz', mode: '100644' }])).rejects.toThrow(/40 lowercase hex/);
    const err = await hashTree([{ path: 'a/../b', oid, mode: '100644' }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'git-invalid-path', data: { path: 'a/../b' } });
  });

  it('refuses a tree naming a blob that is not stored', async () => {
    const repo = await prepareRepository(join(tempDir(), 'repo'));
    await expect(writeTree(repo, [{ path: 'x', oid: hashBlobBytes(Buffer.from('never stored')), mode: '100644' }]))
      .rejects.toBeInstanceOf(ObjectMissingError);
  });
});

describe('commit objects', () => {
  it('encodes commits byte-identically to isomorphic-git and git commit-tree', async () => {
    const dir = tempDir();
    cli(dir, ['init', '-q']);
    const tree = cli(dir, ['write-tree']);
    for (const [offset, gitDate] of [[-120, '+0200'], [0, '+0000'], [330, '-0530']] as const) {
      const id = { ...AUTHOR, timezoneOffset: offset };
      const message = 'Snapshot of pipeline\n\nrun: {"rows": 3}\n';
      const ours = encodeCommit({ tree, parents: [], author: resolveIdentity('author', id), committer: resolveIdentity('committer', id), message });
      const iso = await git.commit({ fs, dir, tree, parent: [], author: id, message, noUpdateBranch: true });
      const theirs = (await git.readObject({ fs, dir, oid: iso, format: 'content' })).object as Uint8Array;
      expect(Buffer.from(theirs).equals(ours)).toBe(true);
      const stamp = `${AUTHOR.timestamp} ${gitDate}`;
      const viaCli = cli(dir, ['commit-tree', tree], {
        input: message,
        env: {
          GIT_AUTHOR_NAME: id.name, GIT_AUTHOR_EMAIL: id.email, GIT_AUTHOR_DATE: stamp,
          GIT_COMMITTER_NAME: id.name, GIT_COMMITTER_EMAIL: id.email, GIT_COMMITTER_DATE: stamp,
        },
      });
      expect(Buffer.from(cli(dir, ['cat-file', 'commit', viaCli], { raw: true })).equals(ours)).toBe(true);
    }
  });

  it('rejects identities git cannot encode', () => {
    expect(() => resolveIdentity('author', { name: 'a <b>', email: 'x@y' })).toThrow(/cannot store/);
    expect(() => resolveIdentity('author', { name: 'a', email: 'x\n@y' })).toThrow(expect.objectContaining({ code: 'git-invalid-identity' }));
  });
});

