/**
 * The one place where errors become exit codes and messages (Changesets-style): expected
 * failures (DjSnapshotError) print their message, or a JSON error with --json; anything else
 * is a bug and says so.
 */
import { DjSnapshotError, EXIT } from '../errors/base.js';

export async function runCli(json: boolean, main: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? EXIT.ok;
  } catch (e) {
    if (e instanceof DjSnapshotError) {
      if (json) process.stdout.write(JSON.stringify({ ok: false, error: e.toJSON() }) + '\n');
      else process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as Error;
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: { name: 'InternalError', code: 'internal', message: err?.message ?? String(e) } }) + '\n');
    process.stderr.write(`internal error (a bug in dj-snapshot, please report it): ${err?.stack ?? String(e)}\n`);
    process.exitCode = EXIT.internal;
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** A yargs `.fail()` handler: bad usage exits 2 (yargs' own default is 1), like every usage error here. */
export function failUsage(command: string): (message: string, error: Error | undefined) => never {
  return (message, error) => {
    // yargs passes its own validation errors as `error` too: they are usage errors as well.
    process.stderr.write(`error: ${message ?? error?.message ?? 'bad usage'}\nRun ${command} --help for the options.\n`);
    process.exit(EXIT.usage);
  };
}
