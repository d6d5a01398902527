/**
 * Run declarations and insert rows the way DataJoint 2.3.2 stores them (`dj: table.py
 * (__make_placeholder)`): values are given once, in a backend-neutral form, and become each
 * family's stored form here — bool 1/0 or true/false, uuid 16 bytes (MySQL `binary(16)`) or
 * text (PostgreSQL `uuid`), json and codec metadata as Python `json.dumps` text, int64 as
 * exact decimal text, float32 as the exact float32 value.
 */
import type { Database } from '../db/types.js';
import type { Declarer, DeclaredColumn, TableDeclaration } from './declare.js';
import { FixtureValueError } from './errors.js';
import { pythonJsonDumps, type JsonValue } from './python-json.js';

/**
 * A value as a DataJoint user means it: numbers (bigint for int64 beyond 2^53), decimal and
 * temporal values as text (`'1.50'`, `'2024-01-15'`, `'2024-01-15 13:45:30.123456'`), uuid as
 * its 8-4-4-4-12 text, bytes and in-table codec values as Uint8Array, json and store-codec
 * metadata as JSON values, null for SQL NULL.
 */
export type RowValue = JsonValue | bigint | Uint8Array;
export type Row = Record<string, RowValue>;

/** Execute a declaration's statements and write its `~lineage` rows. */
export async function runDeclaration(db: Database, declarer: Declarer, declaration: TableDeclaration): Promise<void> {
  for (const sql of declaration.statements) await db.execute(sql);
  if (declaration.lineage.length > 0) {
    const { sql, params } = declarer.lineageInsert(declaration.schema, declaration.lineage);
    await db.query(sql, params);
  }
}

const BATCH_ROWS = 200;

/** INSERT the rows (all with the same attributes) into a declared table, in the given order. */
export async function insertRows(db: Database, declarer: Declarer, table: TableDeclaration, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(rows[0]);
  const columns = names.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new FixtureValueError(`${table.schema}.${table.name}`, name, 'the table has no such column');
    return column;
  });
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    const params: unknown[] = [];
    const tuples = batch.map((row) => {
      const keys = Object.keys(row);
      if (keys.length !== names.length || keys.some((k) => !names.includes(k))) {
        throw new FixtureValueError(`${table.schema}.${table.name}`, keys.join(','), `every row must set the same attributes as the first (${names.join(', ')})`);
      }
      const marks = columns.map((column) => {
        params.push(storedValue(declarer.family, table, column, row[column.name]));
        return declarer.family === 'mysql' ? '?' : `$${params.length}`;
      });
      return `(${marks.join(', ')})`;
    });
    const sql = `INSERT INTO ${declarer.fullName(table.schema, table.name)} (${columns.map((c) => declarer.quote(c.name)).join(', ')}) VALUES ${tuples.join(', ')}`;
    await db.query(sql, params);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-2147483648n, 2147483647n],
  int64: [-9223372036854775808n, 9223372036854775807n],
};

/** The parameter a driver gets for this value in this column on this family. */
export function storedValue(family: 'mysql' | 'postgres', table: TableDeclaration, column: DeclaredColumn, value: RowValue): unknown {
  const fail = (problem: string): never => {
    throw new FixtureValueError(`${table.schema}.${table.name}`, column.name, problem, { value: String(value) });
  };
  if (value === null) {
    if (!column.nullable) fail('NULL in a NOT NULL column');
    return null;
  }
  const origin = column.origin;
  if (origin.category === 'codec') {
    if (origin.storage === 'bytes') return value instanceof Uint8Array ? Buffer.from(value) : fail('an in-table codec value must be bytes');
    return isJson(value) && typeof value === 'object' ? pythonJsonDumps(value) : fail('a store codec value must be its metadata object');
  }
  if (origin.category === 'native') {
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    return typeof value === 'string' ? value : fail(`a ${origin.text} value must be a number or text`);
  }
  switch (origin.core) {
    case 'int8': case 'int16': case 'int32': case 'int64': {
      if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) return fail(`an ${origin.core} must be an integer`);
      const n = BigInt(value);
      const [lo, hi] = INT_RANGES[origin.core];
      if (n < lo || n > hi) return fail(`${n} is outside ${origin.core}`);
      return origin.core === 'int64' ? n.toString() : Number(n);
    }
    case 'float32':
    case 'float64': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('a float must be a finite number (DataJoint stores NaN as NULL; MySQL has no infinities)');
      const x = origin.core === 'float32' ? Math.fround(value) : value;
      if (origin.core === 'float32' && x !== value) return fail(`${value} is not exactly a float32; use Math.fround`);
      // Exact decimal text of the double; "-0" keeps the sign that String(-0) drops.
      return Object.is(x, -0) ? '-0' : String(x);
    }
    case 'decimal':
      return typeof value === 'string' && DECIMAL.test(value) ? value : fail('a decimal must be its exact text, e.g. "-1.50"');
    case 'bool':
      if (typeof value !== 'boolean') return fail('a bool must be true or false');
      return family === 'mysql' ? (value ? 1 : 0) : value;
    case 'uuid': {
      if (typeof value !== 'string' || !UUID.test(value)) return fail('a uuid must be lower-case 8-4-4-4-12 text');
      return family === 'mysql' ? Buffer.from(value.replace(/-/g, ''), 'hex') : value;
    }
    case 'json':
      return isJson(value) ? pythonJsonDumps(value) : fail('a json value must be a JSON value');
    case 'bytes':
      return value instanceof Uint8Array ? Buffer.from(value) : fail('a bytes value must be a Uint8Array');
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? value : fail('a date must be YYYY-MM-DD');
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) ? value : fail('a datetime must be YYYY-MM-DD HH:MM:SS[.ffffff]');
    case 'char': case 'varchar':
      if (typeof value !== 'string') return fail('a string attribute needs text');
      if ([...value].length > (origin.length ?? 0)) return fail(`longer than ${origin.length} characters`);
      return value;
    case 'enum':
      return typeof value === 'string' && (origin.labels ?? []).includes(value) ? value : fail(`not one of ${origin.labels?.join(', ')}`);
  }
}

function isJson(value: RowValue): value is JsonValue {
  return !(value instanceof Uint8Array) && typeof value !== 'bigint';
}
