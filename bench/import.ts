/**
 * dj-import throughput and peak memory beside restoring a dump with the servers' own clients
 * (`mysql < mysqldump-file`, `psql < pg_dump-file`), on the same data: one DataJoint-style table
 * of N rows (default 1,000,000) with a ~1 KB `<blob>` each plus a lookup table, on throwaway
 * MariaDB and PostgreSQL servers started for the run. Run from the repository root:
 *
 *   npm run bench:import                     # 1,000,000 rows
 *   npm run bench:import -- 200000           # fewer rows
 *   npm run bench:import -- 200000 pglite    # also into PGlite
 *
 * The snapshot and the dumps are made first (not timed). Each restore then runs as its own
 * process under /usr/bin/time into an empty target, so time and peak RSS are the tool's own.
 * dj-import's time includes what the dump restores do not do: verifying every file hash and
 * the logical hash of the snapshot before, and re-reading and hashing the target after; its
 * phases are shown separately.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/db/connect.js';
import { type Measured, nodeOptionsOf, PASSWORD, seedTraces, timed, withBenchServers } from './support.js';
import { exportPipeline } from '../src/export/export.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const WITH_PGLITE = process.argv.includes('pglite');
const SCHEMA = 'bench_lab';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, '.bench/cli/dj-import.js');
/** Run as the installed command runs (bin/dj-import.js). */
const nodeOptions = nodeOptionsOf('dj-import', repoRoot);

/** Bytes of all Parquet parts of the snapshot (a large table is split into several files). */
async function snapshotTableBytes(repo: string): Promise<number> {
  const manifest = JSON.parse(await readFile(path.join(repo, 'schemas', SCHEMA, 'schema.json'), 'utf8')) as { tables: { files: { bytes: number }[] }[] };
  return manifest.tables.reduce((n, t) => n + t.files.reduce((m, f) => m + f.bytes, 0), 0);
}

async function dropSchema(url: string): Promise<void> {
  const db = await connect(url, { password: PASSWORD });
  try {
    await db.execute(db.family === 'mysql' ? `DROP DATABASE IF EXISTS ${db.quoteIdent(SCHEMA)}` : `DROP SCHEMA IF EXISTS ${db.quoteIdent(SCHEMA)} CASCADE`);
  } finally {
    await db.close();
  }
}

function line(label: string, m: Measured, bytes: number): string {
  return `| ${label.padEnd(40)} | ${m.seconds.toFixed(1).padStart(7)} s | ${Math.round(ROWS / m.seconds).toLocaleString('en-US').padStart(9)} rows/s | ${(bytes / 1e6 / m.seconds).toFixed(0).padStart(4)} MB/s | ${m.maxRssMb.toFixed(0).padStart(5)} MB |`;
}

function phases(m: Measured): string {
  const r = JSON.parse(m.stdout) as { phases: { verify: number; load: number; objects: number; check: number } };
  const p = r.phases;
  return `verify snapshot ${p.verify.toFixed(1)} s, load ${p.load.toFixed(1)} s (${Math.round(ROWS / p.load).toLocaleString('en-US')} rows/s), verify target ${p.check.toFixed(1)} s`;
}

async function main(): Promise<void> {
  await withBenchServers('dj-bench-import-', async (servers, work) => {
    console.log(`dj-import benchmark: ${ROWS.toLocaleString('en-US')} rows x ~1.1 KB (int64 key, int32, float64, varchar, datetime(6), decimal, 1 KB <blob>), ${os.cpus().length} cores\n`);
    const lines: string[] = ['| restore | time | rows/s | data | peak RSS |', '|---|---|---|---|---|'];
    const notes: string[] = [];
    let snapshotForPglite = '';

    for (const { info, name, mysql, url } of servers) {
      const db = await connect(url, { password: PASSWORD });
      const t0 = performance.now();
      await seedTraces(db, SCHEMA, ROWS);
      const repo = path.join(work, `snap-${info.kind}`);
      await exportPipeline({ db, schemas: [SCHEMA], repo });
      await db.close();
      if (!mysql) snapshotForPglite = repo;
      const parquetBytes = await snapshotTableBytes(repo);
      const dumpFile = path.join(work, `dump-${info.kind}.sql`);
      if (mysql) {
        await timed('sh', ['-c', `mysqldump --no-defaults --protocol=TCP -h ${info.host} -P ${info.port} -u ${info.user} --single-transaction --quick --hex-blob --skip-dump-date --databases ${SCHEMA} > '${dumpFile}'`], { MYSQL_PWD: PASSWORD });
      } else {
        await timed('sh', ['-c', `pg_dump -h ${info.host} -p ${info.port} -U ${info.user} -n ${SCHEMA} bench > '${dumpFile}'`], { PGPASSWORD: PASSWORD });
      }
      const dumpBytes = (await stat(dumpFile)).size;
      console.log(`${name}: seeded, exported and dumped in ${((performance.now() - t0) / 1000).toFixed(1)} s (Parquet ${(parquetBytes / 1e6).toFixed(0)} MB, dump ${(dumpBytes / 1e6).toFixed(0)} MB)`);

      await dropSchema(url);
      const ours = await timed(process.execPath, [...nodeOptions, cli, repo, '--db', url, '--json'], { DJ_PASS: PASSWORD });
      lines.push(line(`dj-import → ${name}`, ours, parquetBytes));
      notes.push(`dj-import → ${name}: ${phases(ours)}`);
      console.log(`${lines[lines.length - 1]}\n  ${notes[notes.length - 1]}`);

      await dropSchema(url);
      const theirs = mysql
        ? await timed('mysql', ['--no-defaults', '--protocol=TCP', '-h', info.host, '-P', String(info.port), '-u', info.user, '--max-allowed-packet=1G'], { MYSQL_PWD: PASSWORD }, { stdin: dumpFile })
        : await timed('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', info.host, '-p', String(info.port), '-U', info.user, '-d', 'bench'], { PGPASSWORD: PASSWORD }, { stdin: dumpFile });
      lines.push(line(mysql ? 'mysql < mysqldump --hex-blob file' : 'psql < pg_dump file', theirs, dumpBytes));
      console.log(lines[lines.length - 1]);
      lines.push(`| ratio: dump-restore time / dj-import time | ${(theirs.seconds / ours.seconds).toFixed(2)}x | | | |`);
      await rm(dumpFile, { force: true });
    }

    if (WITH_PGLITE && snapshotForPglite) {
      const dir = path.join(work, 'pglite');
      const ours = await timed(process.execPath, [...nodeOptions, cli, snapshotForPglite, '--db', `pglite:${dir}`, '--json'], {});
      const parquetBytes = await snapshotTableBytes(snapshotForPglite);
      lines.push(line('dj-import → PGlite (in-process)', ours, parquetBytes));
      notes.push(`dj-import → PGlite: ${phases(ours)}`);
    }
    console.log('\n' + lines.join('\n'));
    console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
    console.log('\n"data" is the size of what each tool reads (Parquet for dj-import, the SQL dump for the client), per second.');
  });
}

await main();
