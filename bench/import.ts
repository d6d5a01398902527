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
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/db/connect.js';
import type { Database } from '../src/db/types.js';
import { exportPipeline } from '../src/export/export.js';
import { makeRunDir, removeRunDir, startMariadb, startPostgres, type RunningServer } from '../test/support/servers.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const WITH_PGLITE = process.argv.includes('pglite');
const PASSWORD = 'bench-password';
const SCHEMA = 'bench_lab';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, '.bench/cli/dj-import.js');

interface Measured {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

function timed(cmd: string, args: string[], env: Record<string, string>, stdinFile?: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const shell = stdinFile ? `${quoted} < '${stdinFile}'` : quoted;
    const child = spawn('/usr/bin/time', ['-f', '%M', 'sh', '-c', shell], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${stderr.slice(-2000)}${stdout.slice(-2000)}`));
      const kb = Number(stderr.trim().split('\n').pop());
      resolve({ seconds, maxRssMb: kb / 1024, stdout });
    });
  });
}

/** The same shape of data as bench/export.ts: random (incompressible) 1 KB blobs. */
async function seed(db: Database): Promise<void> {
  const q = (s: string) => db.quoteIdent(s);
  if (db.family === 'mysql') {
    await db.execute(`CREATE DATABASE ${q(SCHEMA)}`);
    await db.execute(`CREATE TABLE ${q(SCHEMA)}.\`#condition\` (\`condition_id\` smallint NOT NULL COMMENT ":int16:", \`label\` varchar(32) NOT NULL COMMENT ":varchar(32):", PRIMARY KEY (\`condition_id\`)) ENGINE=InnoDB`);
    await db.execute(`CREATE TABLE ${q(SCHEMA)}.\`trace\` (\`trace_id\` bigint NOT NULL COMMENT ":int64:", \`condition_id\` smallint NOT NULL, \`channel\` int NOT NULL COMMENT ":int32:", \`gain\` double NOT NULL COMMENT ":float64:", \`label\` varchar(32) NOT NULL COMMENT ":varchar(32):", \`recorded\` datetime(6) NOT NULL COMMENT ":datetime(6):", \`weight\` decimal(10,3) NOT NULL COMMENT ":decimal(10,3):", \`samples\` longblob NOT NULL COMMENT ":<blob>:", PRIMARY KEY (\`trace_id\`), FOREIGN KEY (\`condition_id\`) REFERENCES ${q(SCHEMA)}.\`#condition\` (\`condition_id\`) ON UPDATE CASCADE ON DELETE RESTRICT) ENGINE=InnoDB`);
    await db.execute(`INSERT INTO ${q(SCHEMA)}.\`#condition\` VALUES (1,'rest'),(2,'task'),(3,'sleep')`);
    for (let start = 0; start < ROWS; start += 100_000) {
      const n = Math.min(100_000, ROWS - start);
      await db.execute(`INSERT INTO ${q(SCHEMA)}.trace
        SELECT ${start} + seq, 1 + seq % 3, seq % 384, seq / 7.0, CONCAT('ch-', seq % 1000, '-', seq),
               TIMESTAMP('2024-01-01') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
               (seq % 100000) / 1000, CONCAT(X'6D596D00', RANDOM_BYTES(1020))
        FROM ${q(SCHEMA)}.seq_0_to_${n - 1}`);
    }
  } else {
    await db.execute(`CREATE SCHEMA ${q(SCHEMA)}`);
    await db.execute(`CREATE TABLE ${q(SCHEMA)}."#condition" ("condition_id" smallint NOT NULL, "label" varchar(32) NOT NULL, PRIMARY KEY ("condition_id"))`);
    await db.execute(`CREATE TABLE ${q(SCHEMA)}."trace" ("trace_id" bigint NOT NULL, "condition_id" smallint NOT NULL, "channel" integer NOT NULL, "gain" double precision NOT NULL, "label" varchar(32) NOT NULL, "recorded" timestamp(6) NOT NULL, "weight" numeric(10,3) NOT NULL, "samples" bytea NOT NULL, PRIMARY KEY ("trace_id"), FOREIGN KEY ("condition_id") REFERENCES ${q(SCHEMA)}."#condition" ("condition_id") ON UPDATE CASCADE ON DELETE RESTRICT)`);
    for (const [col, type] of [['trace_id', 'int64'], ['channel', 'int32'], ['gain', 'float64'], ['label', 'varchar(32)'], ['recorded', 'datetime(6)'], ['weight', 'decimal(10,3)'], ['samples', '<blob>']]) {
      await db.execute(`COMMENT ON COLUMN ${q(SCHEMA)}."trace"."${col}" IS ':${type}:'`);
    }
    await db.execute(`COMMENT ON COLUMN ${q(SCHEMA)}."#condition"."condition_id" IS ':int16:'; COMMENT ON COLUMN ${q(SCHEMA)}."#condition"."label" IS ':varchar(32):'`);
    await db.execute(`INSERT INTO ${q(SCHEMA)}."#condition" VALUES (1,'rest'),(2,'task'),(3,'sleep')`);
    for (let start = 0; start < ROWS; start += 100_000) {
      const n = Math.min(100_000, ROWS - start);
      await db.execute(`INSERT INTO ${q(SCHEMA)}.trace
        SELECT ${start} + s, 1 + s % 3, s % 384, s / 7.0, 'ch-' || (s % 1000) || '-' || s,
               timestamp '2024-01-01' + s * interval '1 second' + (s % 1000000) * interval '1 microsecond',
               (s % 100000) / 1000.0,
               '\\x6d596d00'::bytea || (SELECT string_agg(uuid_send(gen_random_uuid()), ''::bytea) FROM generate_series(1, 64) g WHERE g > s * 0)
        FROM generate_series(0, ${n - 1}) s`);
    }
  }
}

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
  const runDir = await makeRunDir();
  const work = await mkdtemp(path.join(os.tmpdir(), 'dj-bench-import-'));
  const servers: RunningServer[] = [];
  try {
    const [maria, pg] = await Promise.all([startMariadb(runDir, PASSWORD), startPostgres(runDir, PASSWORD)]);
    servers.push(maria, pg);
    console.log(`dj-import benchmark: ${ROWS.toLocaleString('en-US')} rows x ~1.1 KB (int64 key, int32, float64, varchar, datetime(6), decimal, 1 KB <blob>), ${os.cpus().length} cores\n`);
    const lines: string[] = ['| restore | time | rows/s | data | peak RSS |', '|---|---|---|---|---|'];
    const notes: string[] = [];
    let snapshotForPglite = '';

    for (const server of [maria, pg]) {
      const info = server.info;
      const mysql = info.kind === 'mariadb';
      const name = mysql ? 'MariaDB' : 'PostgreSQL';
      const url = mysql ? info.url : `${info.url.replace(/\/[^/]*$/, '')}/bench`;
      if (!mysql) {
        const admin = await connect(info.url, { password: PASSWORD });
        await admin.execute('CREATE DATABASE bench');
        await admin.close();
      }
      const db = await connect(url, { password: PASSWORD });
      const t0 = performance.now();
      await seed(db);
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
      const ours = await timed(process.execPath, [cli, repo, '--db', url, '--json'], { DJ_PASS: PASSWORD });
      lines.push(line(`dj-import → ${name}`, ours, parquetBytes));
      notes.push(`dj-import → ${name}: ${phases(ours)}`);
      console.log(`${lines[lines.length - 1]}\n  ${notes[notes.length - 1]}`);

      await dropSchema(url);
      const theirs = mysql
        ? await timed('mysql', ['--no-defaults', '--protocol=TCP', '-h', info.host, '-P', String(info.port), '-u', info.user, '--max-allowed-packet=1G'], { MYSQL_PWD: PASSWORD }, dumpFile)
        : await timed('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', info.host, '-p', String(info.port), '-U', info.user, '-d', 'bench'], { PGPASSWORD: PASSWORD }, dumpFile);
      lines.push(line(mysql ? 'mysql < mysqldump --hex-blob file' : 'psql < pg_dump file', theirs, dumpBytes));
      console.log(lines[lines.length - 1]);
      lines.push(`| ratio: dump-restore time / dj-import time | ${(theirs.seconds / ours.seconds).toFixed(2)}x | | | |`);
      await rm(dumpFile, { force: true });
    }

    if (WITH_PGLITE && snapshotForPglite) {
      const dir = path.join(work, 'pglite');
      const ours = await timed(process.execPath, [cli, snapshotForPglite, '--db', `pglite:${dir}`, '--json'], {});
      const parquetBytes = await snapshotTableBytes(snapshotForPglite);
      lines.push(line('dj-import → PGlite (in-process)', ours, parquetBytes));
      notes.push(`dj-import → PGlite: ${phases(ours)}`);
    }
    console.log('\n' + lines.join('\n'));
    console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
    console.log('\n"data" is the size of what each tool reads (Parquet for dj-import, the SQL dump for the client), per second.');
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    await removeRunDir(runDir).catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

await main();
