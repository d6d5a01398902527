/**
 * The project as `npm run demo` and the bin scripts run it: src, cli and scripts compiled with
 * tsconfig.demo.json into a temporary directory (next to links to `formats/` and
 * `node_modules/`, which the built code finds by relative path) and spawned with `node`.
 * Test processes of one run share one build: the first to take the lock compiles, the others
 * wait for its `ready` file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { TestServersContext } from '../support/context.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let built: Promise<string> | null = null;

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function runRoot(): string {
  const ctx = inject('djTestServers') as TestServersContext | undefined;
  if (ctx?.scratchRoot) return ctx.scratchRoot;
  // Without the global set-up: a directory of this process only, removed at its exit.
  const own = path.join(os.tmpdir(), `dj-snapshot-build-${process.pid}`);
  process.on('exit', () => rmSync(own, { recursive: true, force: true }));
  return own;
}

/** The build directory (holding `cli/`, `scripts/`, `src/`), compiled once per test run. */
export function buildProject(): Promise<string> {
  built ??= (async () => {
    const dir = path.join(runRoot(), 'demo-build');
    const ready = path.join(dir, 'ready');
    try {
      await mkdir(path.dirname(dir), { recursive: true });
      await mkdir(dir);
    } catch {
      // Another test process is compiling (or has compiled) it.
      const deadline = Date.now() + 300_000;
      while (!existsSync(ready)) {
        if (existsSync(path.join(dir, 'failed'))) throw new Error(`the build failed: ${await readFile(path.join(dir, 'failed'), 'utf8')}`);
        if (Date.now() > deadline) throw new Error(`the build in ${dir} did not finish within 300 s`);
        await sleep(200);
      }
      return dir;
    }
    // Type errors elsewhere in a tree under construction do not stop tsc from emitting.
    const tsc = await run(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.demo.json',
      '--outDir', dir, '--tsBuildInfoFile', path.join(dir, '.tsbuildinfo')], repoRoot);
    if (!existsSync(path.join(dir, 'cli', 'dj-serve.js')) || !existsSync(path.join(dir, 'scripts', 'demo.js'))) {
      await writeFile(path.join(dir, 'failed'), tsc.out);
      throw new Error(`tsc did not emit the CLI and the demo:\n${tsc.out}`);
    }
    await symlink(path.join(repoRoot, 'formats'), path.join(dir, 'formats'));
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    await writeFile(ready, '');
    return dir;
  })();
  return built;
}

export interface ChildRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout or stderr (as chosen) contains `text`; rejects if the process exits first. */
  waitFor(text: string | RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<void>;
}

/** Run `node <build>/<script> ...args` in `cwd`. */
export async function spawnBuilt(script: string, args: string[], cwd = repoRoot, env: Record<string, string> = {}): Promise<ChildRun> {
  const dir = await buildProject();
  const child = spawn(process.execPath, [path.join(dir, script), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => waiters.forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); poke(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); poke(); });
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    poke();
    resolve({ code, signal });
  }));
  const waitFor = (text: string | RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 120_000) => new Promise<void>((resolve, reject) => {
    const has = () => {
      const s = stream === 'stdout' ? out : err;
      return typeof text === 'string' ? s.includes(text) : text.test(s);
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`no ${String(text)} on ${stream} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    const check = () => {
      if (has()) {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      } else if (exited) {
        clearTimeout(timer);
        waiters.delete(check);
        reject(new Error(`the process exited before ${String(text)} appeared on ${stream}\nstdout:\n${out}\nstderr:\n${err}`));
      }
    };
    waiters.add(check);
    check();
  });
  return { child, stdout: () => out, stderr: () => err, exit, waitFor };
}
