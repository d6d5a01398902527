/**
 * The CLI as users run it: compiled with the project's build config into a temporary directory
 * (next to links to `formats/` and `node_modules/`, which the built code finds by relative
 * path), once per test process, and spawned with `node`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let built: Promise<string> | null = null;

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** The directory holding `cli/dj-import.js`; removed at process exit. */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dj-import-cli-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    // Type errors elsewhere in a tree under construction do not stop tsc from emitting.
    await run(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir]);
    await symlink(path.join(repoRoot, 'formats'), path.join(dir, 'formats'));
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  })();
  return built;
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnImport(args: string[], password: string | undefined): Promise<CliRun> {
  const dir = await buildCli();
  const child = spawn(process.execPath, [path.join(dir, 'cli', 'dj-import.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(password === undefined ? {} : { DJ_PASS: password }) },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}
