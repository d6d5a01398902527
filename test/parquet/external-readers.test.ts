/**
 * Do other readers see the types we mean? Runs pyarrow, DuckDB and polars when a Python with
 * them is available: set DJ_SNAPSHOT_PYTHON to its interpreter (default: python3). Debian
 * bookworm packages none of them, so on a bare machine this suite is skipped, loudly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParquet } from '../../src/parquet/writer.js';
import { ALL_COLUMNS, extremeRows } from './fixtures.js';

const python = process.env.DJ_SNAPSHOT_PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import pyarrow, duckdb, polars'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available) {
  console.warn(`SKIPPED external Parquet reader checks: ${python} cannot import pyarrow, duckdb and polars. ` +
    'Set DJ_SNAPSHOT_PYTHON to a Python that has them to run these checks.');
}

const SCRIPT = String.raw`
import json, sys, pyarrow.parquet as pq, duckdb, polars as pl
p = sys.argv[1]
t = pq.read_table(p)
con = duckdb.connect()
duck = {r[0]: r[1] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [p]).fetchall()}
row = con.execute("SELECT CAST(uid AS VARCHAR), CAST(doc AS VARCHAR), CAST(ts AS VARCHAR), CAST(dec AS VARCHAR), CAST(u64 AS VARCHAR), CAST(day AS VARCHAR), dur FROM read_parquet(?) WHERE id = 1", [p]).fetchone()
df = pl.read_parquet(p)
print(json.dumps({
  "pyarrow": {f.name: str(f.type) for f in t.schema},
  "duckdb": duck,
  "duck_row1": [str(x) for x in row],
  "polars": {k: str(v) for k, v in df.schema.items()},
  "py_dur": [str(x) for x in t.column("dur").to_pylist()],
}))
`;

const dir = mkdtempSync(join(tmpdir(), 'dj-pq-ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available)('external readers (pyarrow, DuckDB, polars)', () => {
  it('see every kind with the intended type and value', async () => {
    const path = join(dir, 'all.parquet');
    await writeParquet(path, ALL_COLUMNS, (async function* () { yield extremeRows(); })());
    const out = JSON.parse(execFileSync(python, ['-c', SCRIPT, path], { encoding: 'utf8' })) as Record<string, Record<string, string> & string[]>;

    expect(out.duckdb).toMatchObject({
      id: 'BIGINT', i8: 'TINYINT', i16: 'SMALLINT', i32: 'INTEGER', i64: 'BIGINT', u8: 'UTINYINT', u16: 'USMALLINT',
      u32: 'UINTEGER', u64: 'UBIGINT', f32: 'FLOAT', f64: 'DOUBLE', dec: 'DECIMAL(38,10)', dec_small: 'DECIMAL(5,2)',
      dec_wide: 'VARCHAR', flag: 'BOOLEAN', name: 'VARCHAR', blob: 'BLOB', uid: 'UUID', doc: 'JSON', day: 'DATE',
      ts: 'TIMESTAMP', dur: 'BIGINT', iv: 'VARCHAR',
    });
    expect(out.duck_row1).toEqual([
      '123e4567-e89b-12d3-a456-426614174000', '{"b":1,"a":[1.0,2],"big":12345678901234567890}', '9999-12-31 23:59:59.999999',
      '9999999999999999999999999999.9999999999', '18446744073709551615', '9999-12-31', '3020399000000',
    ]);
    expect(out.pyarrow).toMatchObject({
      u64: 'uint64', dec: 'decimal128(38, 10)', dec_wide: 'string', uid: 'extension<arrow.uuid>', day: 'date32[day]',
      ts: 'timestamp[us]', dur: 'duration[us]', blob: 'binary', f32: 'float',
    });
    // MySQL TIME -838:59:59 / +838:59:59 arrive as timedeltas, not as an error.
    expect(out.py_dur.slice(0, 2)).toEqual(['-35 days, 1:00:01', '34 days, 22:59:59']);
    expect(out.polars).toMatchObject({
      u64: 'UInt64', dec: 'Decimal(precision=38, scale=10)', ts: "Datetime(time_unit='us', time_zone=None)",
      dur: "Duration(time_unit='us')", day: 'Date', doc: 'String', uid: 'Binary',
    });
  });
});
