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
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/db/connect.js';
import type { Database } from '../src/db/types.js';
import { makeRunDir, removeRunDir, startMariadb, startPostgres, type RunningServer } from '../test/support/servers.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const PASSWORD = 'bench-password';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, '.bench/cli/dj-export.js');

interface Measured {
  seconds: number;
  maxRssMb: number;
  bytes: number;
}

function timed(cmd: string, args: string[], env: Record<string, string>, stdoutFile?: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const shell = stdoutFile ? `${[cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} > '${stdoutFile}'` : null;
    const child = shell
      ? spawn('/usr/bin/time', ['-f', '%M', 'sh', '-c', shell], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('/usr/bin/time', ['-f', '%M', cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${stderr.slice(-2000)}`));
      const kb = Number(stderr.trim().split('\n').pop());
      resolve({ seconds, maxRssMb: kb / 1024, bytes: 0 });
    });
  });
}

async function dirBytes(dir: string): Promise<number> {
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).size;
  }
  return total;
}

async function seed(db: Database, schema: string): Promise<void> {
  const q = (s: string) => db.quoteIdent(s);
  if (db.family === 'mysql') {
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.execute(`CREATE TABLE ${q(schema)}.\`#condition\` (\`condition_id\` smallint NOT NULL COMMENT ":int16:", \`label\` varchar(32) NOT NULL COMMENT ":varchar(32):", PRIMARY KEY (\`condition_id\`)) ENGINE=InnoDB`);
    await db.execute(`CREATE TABLE ${q(schema)}.\`trace\` (\`trace_id\` bigint NOT NULL COMMENT ":int64:", \`condition_id\` smallint NOT NULL, \`channel\` int NOT NULL COMMENT ":int32:", \`gain\` double NOT NULL COMMENT ":float64:", \`label\` varchar(32) NOT NULL COMMENT ":varchar(32):", \`recorded\` datetime(6) NOT NULL COMMENT ":datetime(6):", \`weight\` decimal(10,3) NOT NULL COMMENT ":decimal(10,3):", \`samples\` longblob NOT NULL COMMENT ":<blob>:", PRIMARY KEY (\`trace_id\`), FOREIGN KEY (\`condition_id\`) REFERENCES ${q(schema)}.\`#condition\` (\`condition_id\`) ON UPDATE CASCADE ON DELETE RESTRICT) ENGINE=InnoDB`);
    await db.execute(`INSERT INTO ${q(schema)}.\`#condition\` VALUES (1,'rest'),(2,'task'),(3,'sleep')`);
    // Random bytes behind a real blob header: as incompressible as recorded samples.
    for (let start = 0; start < ROWS; start += 100_000) {
      const n = Math.min(100_000, ROWS - start);
      await db.execute(`INSERT INTO ${q(schema)}.trace
        SELECT ${start} + seq, 1 + seq % 3, seq % 384, seq / 7.0, CONCAT('ch-', seq % 1000, '-', seq),
               TIMESTAMP('2024-01-01') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
               (seq % 100000) / 1000, CONCAT(X'6D596D00', RANDOM_BYTES(1020))
        FROM ${q(schema)}.seq_0_to_${n - 1}`);
    }
  } else {
    await db.execute(`CREATE SCHEMA ${q(schema)}`);
    await db.execute(`CREATE TABLE ${q(schema)}."#condition" ("condition_id" smallint NOT NULL, "label" varchar(32) NOT NULL, PRIMARY KEY ("condition_id"))`);
    await db.execute(`CREATE TABLE ${q(schema)}."trace" ("trace_id" bigint NOT NULL, "condition_id" smallint NOT NULL, "channel" integer NOT NULL, "gain" double precision NOT NULL, "label" varchar(32) NOT NULL, "recorded" timestamp(6) NOT NULL, "weight" numeric(10,3) NOT NULL, "samples" bytea NOT NULL, PRIMARY KEY ("trace_id"), FOREIGN KEY ("condition_id") REFERENCES ${q(schema)}."#condition" ("condition_id") ON UPDATE CASCADE ON DELETE RESTRICT)`);
    for (const [col, type] of [['trace_id', 'int64'], ['channel', 'int32'], ['gain', 'float64'], ['label', 'varchar(32)'], ['recorded', 'datetime(6)'], ['weight', 'decimal(10,3)'], ['samples', '<blob>']]) {
      await db.execute(`COMMENT ON COLUMN ${q(schema)}."trace"."${col}" IS ':${type}:'`);
    }
    await db.execute(`COMMENT ON COLUMN ${q(schema)}."#condition"."condition_id" IS ':int16:'; COMMENT ON COLUMN ${q(schema)}."#condition"."label" IS ':varchar(32):'`);
    await db.execute(`INSERT INTO ${q(schema)}."#condition" VALUES (1,'rest'),(2,'task'),(3,'sleep')`);
    // 64 random uuids = 1 KB of random bytes per row, behind a blob header.
    for (let start = 0; start < ROWS; start += 100_000) {
      const n = Math.min(100_000, ROWS - start);
      await db.execute(`INSERT INTO ${q(schema)}.trace
        SELECT ${start} + s, 1 + s % 3, s % 384, s / 7.0, 'ch-' || (s % 1000) || '-' || s,
               timestamp '2024-01-01' + s * interval '1 second' + (s % 1000000) * interval '1 microsecond',
               (s % 100000) / 1000.0,
               '\\x6d596d00'::bytea || (SELECT string_agg(uuid_send(gen_random_uuid()), ''::bytea) FROM generate_series(1, 64) g WHERE g > s * 0)
        FROM generate_series(0, ${n - 1}) s`);
    }
    await db.execute(`ANALYZE ${q(schema)}.trace`);
  }
}

function row(label: string, m: Measured, rows: number): string {
  const mb = m.bytes / 1e6;
  return `| ${label.padEnd(34)} | ${m.seconds.toFixed(1).padStart(7)} s | ${Math.round(rows / m.seconds).toLocaleString('en-US').padStart(9)} rows/s | ${(mb / m.seconds).toFixed(0).padStart(5)} MB/s out | ${mb.toFixed(0).padStart(6)} MB | ${m.maxRssMb.toFixed(0).padStart(5)} MB |`;
}

async function main(): Promise<void> {
  const runDir = await makeRunDir();
  const work = await mkdtemp(path.join(os.tmpdir(), 'dj-bench-export-'));
  const servers: RunningServer[] = [];
  try {
    const [maria, pg] = await Promise.all([startMariadb(runDir, PASSWORD), startPostgres(runDir, PASSWORD)]);
    servers.push(maria, pg);
    const env = { DJ_PASS: PASSWORD };
    console.log(`dj-export benchmark: ${ROWS.toLocaleString('en-US')} rows x ~1.1 KB (int64 key, int32, float64, varchar, datetime(6), decimal, 1 KB <blob>), ${os.cpus().length} cores\n`);
    const lines: string[] = ['| tool | time | rows/s | throughput | output | peak RSS |', '|---|---|---|---|---|---|'];

    for (const server of [maria, pg]) {
      const info = server.info;
      const mysql = info.kind === 'mariadb';
      const url = mysql ? info.url : `${info.url.replace(/\/[^/]*$/, '')}/bench`;
      if (!mysql) {
        const admin = await connect(info.url, { password: PASSWORD });
        await admin.execute('CREATE DATABASE bench');
        await admin.close();
      }
      const db = await connect(url, { password: PASSWORD });
      const t0 = performance.now();
      await seed(db, 'bench_lab');
      await db.close();
      console.log(`${mysql ? 'MariaDB' : 'PostgreSQL'}: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      const repo = path.join(work, `snap-${info.kind}`);
      const ours = await timed(process.execPath, [cli, '--db', url, '--schema', 'bench_lab', '--repo', repo], env);
      ours.bytes = await dirBytes(path.join(repo, 'schemas'));
      lines.push(row(`dj-export (${mysql ? 'MariaDB' : 'PostgreSQL'})`, ours, ROWS));

      const dumpFile = path.join(work, `dump-${info.kind}.sql`);
      const theirs = mysql
        ? await timed('mysqldump', ['--no-defaults', '--protocol=TCP', '-h', info.host, '-P', String(info.port), '-u', info.user,
          '--single-transaction', '--quick', '--hex-blob', '--skip-dump-date', '--databases', 'bench_lab'], { MYSQL_PWD: PASSWORD }, dumpFile)
        : await timed('pg_dump', ['-h', info.host, '-p', String(info.port), '-U', info.user, '-n', 'bench_lab', 'bench'], { PGPASSWORD: PASSWORD }, dumpFile);
      theirs.bytes = (await stat(dumpFile)).size;
      lines.push(row(mysql ? 'mysqldump --quick --hex-blob' : 'pg_dump (plain)', theirs, ROWS));
      lines.push(`| ratio dj-export / ${mysql ? 'mysqldump' : 'pg_dump'} throughput (rows/s) | ${(theirs.seconds / ours.seconds).toFixed(2)}x | | | | |`);
      await rm(dumpFile, { force: true });
    }
    console.log('\n' + lines.join('\n'));
    console.log('\nTargets: peak RSS <= 300 MB; throughput >= 0.5x the dump tool now, on the way to >= 1x.');
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await removeRunDir(runDir).catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

await main();
