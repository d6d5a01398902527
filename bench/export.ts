/**
 * dj-export throughput and peak memory beside mysqldump and pg_dump, on the same generated
 * pipeline: one DataJoint-style table of N rows (default 1,000,000) with a ~1 KB `<blob>` each,
 * plus a lookup table, on throwaway MariaDB and PostgreSQL servers started for the run.
 *
 *   npm run bench:export            # 1,000,000 rows
 *   npm run bench:export -- 200000  # fewer rows
 *
 * Each tool runs as its own process under /usr/bin/time, so peak RSS is the tool's own.
 * Figures go to stdout as a table; nothing is written outside a temp dir that is removed.
 */
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/db/connect.js';
import { type Measured, nodeOptionsOf, PASSWORD, seedTraces, timed, withBenchServers } from './support.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, '.bench/cli/dj-export.js');
/** Run as the installed command runs (bin/dj-export.js). */
const nodeOptions = nodeOptionsOf('dj-export', repoRoot);

async function dirBytes(dir: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).size;
  }
  return total;
}

function row(label: string, m: Measured, bytes: number, rows: number): string {
  const mb = bytes / 1e6;
  return `| ${label.padEnd(34)} | ${m.seconds.toFixed(1).padStart(7)} s | ${Math.round(rows / m.seconds).toLocaleString('en-US').padStart(9)} rows/s | ${(mb / m.seconds).toFixed(0).padStart(5)} MB/s out | ${mb.toFixed(0).padStart(6)} MB | ${m.maxRssMb.toFixed(0).padStart(5)} MB |`;
}

async function main(): Promise<void> {
  await withBenchServers('dj-bench-export-', async (servers, work) => {
    const env = { DJ_PASS: PASSWORD };
    console.log(`dj-export benchmark: ${ROWS.toLocaleString('en-US')} rows x ~1.1 KB (int64 key, int32, float64, varchar, datetime(6), decimal, 1 KB <blob>), ${os.cpus().length} cores\n`);
    const lines: string[] = ['| tool | time | rows/s | throughput | output | peak RSS |', '|---|---|---|---|---|---|'];

    for (const { info, mysql, url } of servers) {
      const db = await connect(url, { password: PASSWORD });
      const t0 = performance.now();
      await seedTraces(db, 'bench_lab', ROWS);
      await db.close();
      console.log(`${mysql ? 'MariaDB' : 'PostgreSQL'}: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      const repo = path.join(work, `snap-${info.kind}`);
      const ours = await timed(process.execPath, [...nodeOptions, cli, '--db', url, '--schema', 'bench_lab', '--repo', repo], env);
      lines.push(row(`dj-export (${mysql ? 'MariaDB' : 'PostgreSQL'})`, ours, await dirBytes(path.join(repo, 'schemas')), ROWS));

      const dumpFile = path.join(work, `dump-${info.kind}.sql`);
      const theirs = mysql
        ? await timed('mysqldump', ['--no-defaults', '--protocol=TCP', '-h', info.host, '-P', String(info.port), '-u', info.user,
          '--single-transaction', '--quick', '--hex-blob', '--skip-dump-date', '--databases', 'bench_lab'], { MYSQL_PWD: PASSWORD }, { stdout: dumpFile })
        : await timed('pg_dump', ['-h', info.host, '-p', String(info.port), '-U', info.user, '-n', 'bench_lab', 'bench'], { PGPASSWORD: PASSWORD }, { stdout: dumpFile });
      lines.push(row(mysql ? 'mysqldump --quick --hex-blob' : 'pg_dump (plain)', theirs, (await stat(dumpFile)).size, ROWS));
      lines.push(`| ratio dj-export / ${mysql ? 'mysqldump' : 'pg_dump'} throughput (rows/s) | ${(theirs.seconds / ours.seconds).toFixed(2)}x | | | | |`);
      await rm(dumpFile, { force: true });
    }
    console.log('\n' + lines.join('\n'));
    console.log('\nTargets: peak RSS <= 300 MB; throughput >= 0.5x the dump tool now, on the way to >= 1x.');
  });
}

await main();
