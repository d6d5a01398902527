/**
 * The query of formats/open.md §6 in DuckDB: a table joined with its open-view index on the
 * primary key (integer, text, uuid and datetime key columns) finds every row's files, which
 * NumPy loads. Needs a Python with duckdb and numpy: set DJ_SNAPSHOT_PYTHON to it (default
 * python3); Debian bookworm packages no duckdb, so without one this suite is skipped, loudly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBlob, ndarray } from '../../src/blob/index.js';
import { writeOpenView } from '../../src/open/index.js';
import { parseDatetime } from '../../src/values/temporal.js';
import { attachment, handSchema, handTable } from './staging.js';

const python = process.env.DJ_SNAPSHOT_PYTHON ?? 'python3';
const available = spawnSync(python, ['-c', 'import duckdb, numpy'], { encoding: 'utf8' }).status === 0;
if (!available) {
  console.warn(`\n!!! SKIPPED the DuckDB join of the open view: ${python} cannot import duckdb and numpy. Set DJ_SNAPSHOT_PYTHON to a Python that has them. !!!\n`);
}

const SCRIPT = String.raw`
import json, duckdb, numpy as np
rows = duckdb.sql("""
  SELECT CAST(t.subject AS VARCHAR), CAST(t.session_id AS VARCHAR), CAST(t.started AS VARCHAR), t.idx, t.rate, o.traces, o.notes
  FROM 'schemas/lab/tables/recording.parquet' AS t
  JOIN 'open/lab/recording.parquet' AS o USING (subject, session_id, started, idx)
  ORDER BY t.idx
""").fetchall()
out = []
for subject, session, started, idx, rate, traces, notes in rows:
    a = np.load(traces)
    out.append([subject, session, started, idx, rate, a.dtype.str, list(a.shape), a.tolist(), open(notes).read() if notes else None, notes])
print(json.dumps(out))
`;

describe.skipIf(!available)('DuckDB joins a table with its open-view index', () => {
  let work = '';
  afterAll(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

  it('runs the query of formats/open.md and finds every file', async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'dj-open-duckdb-'));
    const subjects = ['Mouse/1', 'mouse/1', 'ünï'];
    const sessions = ['3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f', '00000000-0000-0000-0000-000000000001', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
    const rows = subjects.map((s, i) => [
      s, Buffer.from(sessions[i].replace(/-/g, ''), 'hex'), parseDatetime(`2024-01-1${i} 10:00:00.00000${i}`), i, 1000 * (i + 1),
      encodeBlob(ndarray('float64', [2, 2], Float64Array.from([i, i + 0.5, -i, 2]), 'C')),
      i === 2 ? null : attachment(`notes ${i}.txt`, `session ${i}\n`),
    ]);
    const table = await handTable(work, 'lab', 'recording', [
      { name: 'subject', kind: 'string', sqlType: 'varchar(32)' }, { name: 'session_id', kind: 'uuid' },
      { name: 'started', kind: 'datetime', fsp: 6 }, { name: 'idx', kind: 'int32' }, { name: 'rate', kind: 'float64' },
      { name: 'traces', kind: 'bytes', djType: '<blob>', nullable: true }, { name: 'notes', kind: 'bytes', djType: '<attach>', nullable: true },
    ], ['subject', 'session_id', 'started', 'idx'], rows);
    await writeOpenView({ stagingDir: work, schemas: [handSchema('lab', [table])] });

    const run = spawnSync(python, ['-c', SCRIPT], { cwd: work, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout) as unknown[][];
    expect(got).toEqual(subjects.map((s, i) => [
      s, sessions[i], i === 0 ? '2024-01-10 10:00:00' : `2024-01-1${i} 10:00:00.00000${i}`, i, 1000 * (i + 1), '<f8', [2, 2], [[i, i + 0.5], [-i, 2]],
      i === 2 ? null : `session ${i}\n`,
      i === 2 ? null : expect.stringMatching(new RegExp(`^open/lab/recording/subject=.*/idx=${i}/notes/notes%20${i}\\.txt$`)),
    ]));
  });
});
