/**
 * Test helpers: throwaway directories and the git CLI as an independent referee. The CLI runs
 * without system/global config so a developer's settings cannot change the verdicts; our own
 * code reads the same (empty) global config through the same environment variables.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

export function tempDir(prefix = 'djs-git-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const isolation = tempDir('djs-git-home-');
writeFileSync(join(isolation, 'gitconfig'), '');
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.GIT_CONFIG_GLOBAL = join(isolation, 'gitconfig');
process.env.XDG_CONFIG_HOME = join(isolation, 'xdg');

const IDENTITY = [
  '-c', 'user.name=Test Runner', '-c', 'user.email=test@example.org',
  '-c', 'init.defaultBranch=main', '-c', 'advice.detachedHead=false',
];

/** Runs git in `cwd`; returns stdout (trimmed unless raw). Throws with stderr on failure. */
export function git(cwd: string, args: string[], options: { raw?: boolean; env?: Record<string, string>; input?: string } = {}): string {
  const out = execFileSync('git', [...IDENTITY, ...args], {
    cwd,
    env: { ...process.env, ...options.env },
    input: options.input === undefined ? undefined : Buffer.from(options.input),
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString('utf8');
  return options.raw ? out : out.trim();
}

/** `git fsck --strict --full`: throws (with its output) unless clean; returns its output. */
export function fsck(cwd: string): string {
  return execFileSync('git', ['fsck', '--strict', '--full', '--no-progress'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export const AUTHOR = { name: 'DJ Snapshot', email: 'export@example.org', timestamp: 1_700_000_000, timezoneOffset: -120 };

/** Deterministic pseudo-random bytes (xorshift), so tests never depend on a fixture file. */
export function pseudoRandomBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  for (; i < length; i++) out[i] = (i * 131 + seed) & 0xff;
  return out;
}
