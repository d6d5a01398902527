/**
 * One initialised PGlite data directory per test run; scratch PGlite databases start as copies
 * of it (~0.1 s) instead of running initdb (3-4 s, more under load) each.
 *
 * The global set-up starts it in the background and does not wait: runs that never touch
 * PGlite do not pay for it, and it overlaps with the first tests otherwise. It runs in a child
 * process because PGlite's initdb is synchronous WebAssembly that would block the event loop.
 * The directory appears under its final name only when complete (atomic rename); a failure
 * leaves `<dir>.failed` holding the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { registerChild } from './servers.js';

export interface TemplateBuild {
  /** Where the finished template will be. */
  dir: string;
  /** Stop the build if it still runs (end of a short test run). */
  stop(): void;
}

export function buildPgliteTemplate(dir: string): TemplateBuild {
  const t0 = performance.now();
  const partial = `${dir}.partial`;
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `const { PGlite } = await import(${JSON.stringify(entry)});
const db = new PGlite({ dataDir: process.argv[1] });
await db.waitReady;
await db.close();`;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', script, partial], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  registerChild(child, dir);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const fail = (why: string): Promise<void> => writeFile(`${dir}.failed`, why).catch(() => undefined);
  child.once('error', (err) => void fail(`could not start node: ${err.message}`));
  child.once('exit', (status, signal) => {
    if (status !== 0) {
      if (signal !== 'SIGKILL') void fail(`PGlite initialisation exited with ${status ?? signal}: ${stderr.trim().slice(-2000)}`);
      return;
    }
    rename(partial, dir).then(
      () => console.log(`[test servers] PGlite template ready in ${Math.round(performance.now() - t0)} ms`),
      (err: Error) => fail(`could not move the PGlite template into place: ${err.message}`),
    );
  });
  return {
    dir,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Wait (in a test worker) until the template is complete; throws the build's failure. */
export async function waitForPgliteTemplate(dir: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(dir)) {
    if (existsSync(`${dir}.failed`)) {
      throw new Error(`the PGlite template could not be built: ${await readFile(`${dir}.failed`, 'utf8')}`);
    }
    if (Date.now() > deadline) throw new Error(`the PGlite template was not ready within ${timeoutMs} ms`);
    await sleep(100);
  }
}
