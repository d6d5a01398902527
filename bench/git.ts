/*
 * Git storage layer timings, for comparison with stack-measurements §3.
 *
 * Run from the repo root (compiles into the git-ignored .bench/):
 *   npm run bench:git
 * Options: `npm run bench:git -- [scenario] [MB]`, scenario one of small, big (default:
 * both, each in its own process so peak RSS is per scenario); MB is the big file's size (200).
 *
 * Reference figures (§3, same machine class, unloaded): 10,000 x 1 KB own writer + commit 0.61 s,
 * git CLI add+commit 0.93 s, isomorphic-git add+commit 15.6 s; statusMatrix 1.1-1.7 s, git status
 * 0.03 s; incompressible data: own writer level 0 ~5 s/GB, git CLI core.compression=0 7.4 s/GB.
 * Each step is checked against the git CLI when one is installed (tree id, clean status).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import {
  copyBlobToFile, hashTree, listTree, prepareRepository, SnapshotStage, workingTreeStatus,
} from '../src/git/index.js';

const AUTHOR = { name: 'bench', email: 'bench@example.org', timestamp: 1_700_000_000, timezoneOffset: 0 };

async function step<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const value = await fn();
  console.log(`  ${label.padEnd(62)} ${((performance.now() - t) / 1000).toFixed(3)} s`);
  return value;
}

function cli(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

function check(what: string, ok: boolean): void {
  if (!ok) {
    console.error(`  CHECK FAILED: ${what}`);
    process.exitCode = 1;
  }
}

const rss = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

async function small(root: string): Promise<void> {
  console.log('10,000 x 1 KB files');
  const repo = await prepareRepository(join(root, 'small'));
  const payload = Buffer.allocUnsafe(1024 * 10_000);
  randomFillSync(payload);
  const stageAll = async (stage: SnapshotStage): Promise<void> => {
    for (let i = 0; i < 10_000; i++) await stage.writeFile(`tables/t${i % 50}/part-${i}.bin`, payload.subarray(i * 1024, (i + 1) * 1024));
  };
  const stage = await SnapshotStage.begin(repo);
  await step('write files into the stage (caller side)', () => stageAll(stage));
  await step('write blob objects (level auto = 1 for small files)', () => stage.writeObjects());
  const tree = await step('write trees', () => stage.buildTree());
  const result = await step('commit: compare, commit object, move files, index, ref', () => stage.commit({ message: '10k', author: AUTHOR }));
  check('tree id', cli(repo.dir, ['rev-parse', 'HEAD^{tree}']) === null || cli(repo.dir, ['rev-parse', 'HEAD^{tree}']) === tree);
  const status = await step('clean check (workingTreeStatus)', () => workingTreeStatus(repo));
  check('clean', status.clean);
  const porcelain = await step('git status --porcelain (CLI, comparison)', () => cli(repo.dir, ['status', '--porcelain']));
  check('git status clean', porcelain === null || porcelain === '');
  await step('isomorphic-git statusMatrix (comparison)', () => git.statusMatrix({ fs, dir: repo.dir }));
  const entries = await listTree(repo.dir, result.oid);
  await step('hashTree of 10,000 entries (no writes)', () => hashTree(entries));
  const again = await SnapshotStage.begin(repo);
  await step('unchanged re-export: write files into the stage', () => stageAll(again));
  const same = await step('unchanged re-export: hash, compare, discard', () => again.commit({ message: 'same', author: AUTHOR }));
  check('unchanged', same.unchanged);
  if (cli(root, ['--version']) !== null) {
    const plain = join(root, 'cli-small');
    for (let i = 0; i < 10_000; i++) {
      const file = join(plain, `tables/t${i % 50}/part-${i}.bin`);
      fs.mkdirSync(join(file, '..'), { recursive: true });
      fs.writeFileSync(file, payload.subarray(i * 1024, (i + 1) * 1024));
    }
    cli(plain, ['init', '-q']);
    await step('git CLI add -A + commit of the same files (comparison)', () => {
      cli(plain, ['-c', 'core.compression=1', 'add', '-A']);
      cli(plain, ['-c', 'user.name=b', '-c', 'user.email=b@e', 'commit', '-q', '-m', 'x']);
    });
  }
  console.log(`  peak RSS ${rss()} (includes the statusMatrix comparison)`);
}

async function big(root: string, megabytes: number): Promise<void> {
  console.log(`1 x ${megabytes} MB incompressible file`);
  const repo = await prepareRepository(join(root, 'big'));
  const src = join(root, 'big.parquet');
  const fd = fs.openSync(src, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (let i = 0; i < megabytes; i++) fs.writeSync(fd, randomFillSync(chunk));
  fs.closeSync(fd);
  const stage = await SnapshotStage.begin(repo);
  await step('copy into the stage (caller side)', () => stage.copyFile('tables/big.parquet', src));
  await step('write blob object (auto -> level 0): hash pass + store pass', () => stage.writeObjects());
  const result = await step('commit: tree, commit object, rename into place, index, ref', () => stage.commit({ message: 'big', author: AUTHOR }));
  const oid = (await listTree(repo.dir, result.oid))[0].oid;
  await step('copyBlobToFile (loose object, streamed, id verified)', () => copyBlobToFile(repo.dir, oid, join(root, 'out.parquet')));
  check('size', fs.statSync(join(root, 'out.parquet')).size === megabytes << 20);
  const again = await SnapshotStage.begin(repo);
  await again.copyFile('tables/big.parquet', src);
  const same = await step('unchanged re-export: hash only, compare, discard', () => again.commit({ message: 'same', author: AUTHOR }));
  check('unchanged', same.unchanged);
  if (cli(repo.dir, ['--version']) !== null) {
    const plain = join(root, 'cli-big');
    fs.mkdirSync(join(plain, 'tables'), { recursive: true });
    fs.copyFileSync(src, join(plain, 'tables', 'big.parquet'));
    cli(plain, ['init', '-q']);
    await step('git CLI -c core.compression=0 add + commit (comparison)', () => {
      cli(plain, ['-c', 'core.compression=0', 'add', '-A']);
      cli(plain, ['-c', 'user.name=b', '-c', 'user.email=b@e', 'commit', '-q', '-m', 'x']);
    });
    await step('git gc (CLI), then copyBlobToFile from the pack', async () => {
      cli(repo.dir, ['gc', '-q']);
      await copyBlobToFile(repo.dir, oid, join(root, 'out2.parquet'));
    });
  }
  console.log(`  peak RSS ${rss()}`);
}

async function main(): Promise<void> {
  const [scenario, mbArg] = process.argv.slice(2);
  const megabytes = Number(mbArg ?? 200);
  if (!scenario) {
    for (const name of ['small', 'big']) {
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), name, String(megabytes)], { stdio: 'inherit' });
      if (r.status !== 0) process.exitCode = r.status ?? 1;
    }
    return;
  }
  const root = fs.mkdtempSync(join(tmpdir(), 'djs-bench-git-'));
  try {
    if (scenario === 'small') await small(root);
    else if (scenario === 'big') await big(root, megabytes);
    else throw new Error(`unknown scenario ${scenario} (small | big)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
