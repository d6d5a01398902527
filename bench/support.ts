/**
 * What the benchmarks share: timing a command as its own process (time and peak RSS from
 * /usr/bin/time) and the generated pipeline they all measure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../src/db/connect.js';
import type { Database } from '../src/db/types.js';
import { makeRunDir, removeRunDir, startMariadb, startPostgres, type RunningServer, type ServerInfo } from '../test/support/servers.js';

/** The throwaway servers' password (they listen on 127.0.0.1 only and live for one run). */
export const PASSWORD = 'bench-password';

export interface BenchServer {
  info: ServerInfo;
  name: 'MariaDB' | 'PostgreSQL';
  mysql: boolean;
  /** Where the benchmark's data lives: the server, or its `bench` database on PostgreSQL. */
  url: string;
}

/**
 * Starts throwaway MariaDB and PostgreSQL servers and a temp dir, runs `body`, and removes
 * them all, whatever happens.
 */
export async function withBenchServers(tempPrefix: string, body: (servers: BenchServer[], work: string) => Promise<void>): Promise<void> {
  const runDir = await makeRunDir();
  const work = await mkdtemp(path.join(os.tmpdir(), tempPrefix));
  const running: RunningServer[] = [];
  try {
    const [maria, pg] = await Promise.all([startMariadb(runDir, PASSWORD), startPostgres(runDir, PASSWORD)]);
    running.push(maria, pg);
    const admin = await connect(pg.info.url, { password: PASSWORD });
    await admin.execute('CREATE DATABASE bench');
    await admin.close();
    await body([
      { info: maria.info, name: 'MariaDB', mysql: true, url: maria.info.url },
      { info: pg.info, name: 'PostgreSQL', mysql: false, url: `${pg.info.url.replace(/\/[^/]*$/, '')}/bench` },
    ], work);
  } finally {
    for (const s of running) await s.stop().catch(() => {});
    await removeRunDir(runDir).catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

export interface Measured {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

/** The node options an installed command runs with: those on its bin/ shim's `#!` line. */
export function nodeOptionsOf(command: string, repoRoot: string): string[] {
  const shebang = readFileSync(`${repoRoot}/bin/${command}.js`, 'utf8').split('\n')[0];
  const m = /^#!\/usr\/bin\/env(?: -S)? node(.*)$/.exec(shebang);
  if (!m) throw new Error(`bin/${command}.js does not start with a node #! line`);
  return m[1].trim().split(/\s+/).filter(Boolean);
}

const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;

/** Runs `cmd` under /usr/bin/time, stdin and stdout optionally from and to files. */
export function timed(cmd: string, args: string[], env: Record<string, string>, files: { stdin?: string; stdout?: string } = {}): Promise<Measured> {
  // Every tool starts with no dirty pages waiting: otherwise the one that runs right after a
  // tool that wrote gigabytes pays for writing that tool's output back to disk.
  spawnSync('sync');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let shell = [cmd, ...args].map(quote).join(' ');
    if (files.stdin) shell += ` < ${quote(files.stdin)}`;
    if (files.stdout) shell += ` > ${quote(files.stdout)}`;
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

/**
 * The benchmarks' pipeline: a lookup `#condition` and a `trace` table of `rows` rows of ~1.1 KB
 * (int64 key, int32, float64, varchar, datetime(6), decimal, a 1 KB `<blob>` of random,
 * incompressible bytes behind a real blob header), declared with DataJoint's type comments.
 */
export async function seedTraces(db: Database, schema: string, rows: number): Promise<void> {
  const q = (s: string) => db.quoteIdent(s);
  if (db.family === 'mysql') {
    await db.execute(`CREATE DATABASE ${q(schema)}`);
    await db.execute(`CREATE TABLE ${q(schema)}.\`#condition\` (\`condition_id\` smallint NOT NULL COMMENT ":int16:", \`label\` varchar(32) NOT NULL COMMENT ":varchar(32):", PRIMARY KEY (\`condition_id\`)) ENGINE=InnoDB`);
    await db.execute(`CREATE TABLE ${q(schema)}.\`trace\` (\`trace_id\` bigint NOT NULL COMMENT ":int64:", \`condition_id\` smallint NOT NULL, \`channel\` int NOT NULL COMMENT ":int32:", \`gain\` double NOT NULL COMMENT ":float64:", \`label\` varchar(32) NOT NULL COMMENT ":varchar(32):", \`recorded\` datetime(6) NOT NULL COMMENT ":datetime(6):", \`weight\` decimal(10,3) NOT NULL COMMENT ":decimal(10,3):", \`samples\` longblob NOT NULL COMMENT ":<blob>:", PRIMARY KEY (\`trace_id\`), FOREIGN KEY (\`condition_id\`) REFERENCES ${q(schema)}.\`#condition\` (\`condition_id\`) ON UPDATE CASCADE ON DELETE RESTRICT) ENGINE=InnoDB`);
    await db.execute(`INSERT INTO ${q(schema)}.\`#condition\` VALUES (1,'rest'),(2,'task'),(3,'sleep')`);
    // Random bytes behind a real blob header: as incompressible as recorded samples.
    for (let start = 0; start < rows; start += 100_000) {
      const n = Math.min(100_000, rows - start);
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
    for (let start = 0; start < rows; start += 100_000) {
      const n = Math.min(100_000, rows - start);
      await db.execute(`INSERT INTO ${q(schema)}.trace
        SELECT ${start} + s, 1 + s % 3, s % 384, s / 7.0, 'ch-' || (s % 1000) || '-' || s,
               timestamp '2024-01-01' + s * interval '1 second' + (s % 1000000) * interval '1 microsecond',
               (s % 100000) / 1000.0,
               '\\x6d596d00'::bytea || (SELECT string_agg(uuid_send(gen_random_uuid()), ''::bytea) FROM generate_series(1, 64) g WHERE g > s * 0)
        FROM generate_series(0, ${n - 1}) s`);
    }
  }
  await settle(db, schema);
}

/**
 * Lets the server finish the background work a bulk insert leaves (PostgreSQL: hint bits and
 * the visibility map, written by the first reader; InnoDB: flushing dirty pages and purge), so
 * that it is not charged to whichever tool happens to read the data first.
 */
async function settle(db: Database, schema: string): Promise<void> {
  const q = (s: string) => db.quoteIdent(s);
  if (db.family !== 'mysql') {
    await db.execute(`VACUUM (FREEZE, ANALYZE) ${q(schema)}.trace`);
    await db.execute('CHECKPOINT');
    return;
  }
  await db.execute(`ANALYZE TABLE ${q(schema)}.trace`);
  const [{ v: before }] = await db.query<{ v: string }>('SELECT @@GLOBAL.innodb_max_dirty_pages_pct AS v');
  await db.execute('SET GLOBAL innodb_max_dirty_pages_pct = 0');
  try {
    for (let i = 0; i < 600; i++) {
      const [{ n }] = await db.query<{ n: string }>("SELECT VARIABLE_VALUE AS n FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'");
      if (Number(n) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await db.execute(`SET GLOBAL innodb_max_dirty_pages_pct = ${Number(before)}`);
  }
}
