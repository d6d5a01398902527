/**
 * Read a fixture table back and put both the stored rows and the rows the fixture meant to
 * store into one canonical text form, so tests can compare them on every backend and across
 * backends: integers as decimal text, floats as the shortest text of the exact value (float32
 * columns through `Math.fround`; MySQL FLOAT read as `CAST(… AS DOUBLE)`), `-0` kept, decimals
 * with exactly `scale` digits, bool `true`/`false`, uuid 8-4-4-4-12, bytes as hex, JSON with
 * sorted keys, datetimes with six fractional digits, `char(n)` without trailing pad.
 */
import type { Database, RawValue } from '../../src/db/types.js';
import type { AttributeType } from '../../src/demo/datajoint-types.js';
import type { DeclaredColumn } from '../../src/demo/declare.js';
import type { RowValue } from '../../src/demo/insert.js';
import type { FixtureTable } from './fixture.js';

export type CanonicalRow = Record<string, string | null>;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function floatText(x: number, single: boolean): string {
  const v = single ? Math.fround(x) : x;
  return Object.is(v, -0) ? '-0' : String(v);
}

function scaled(text: string, scale: number): string {
  const negative = text.startsWith('-');
  const [int, frac = ''] = (negative ? text.slice(1) : text).split('.');
  const digits = frac.padEnd(scale, '0').slice(0, scale);
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${digits}` : ''}`;
}

function datetimeText(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(6, '0')}` : text;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Canonical text of a value as the fixture gave it (logical form). */
export function canonicalExpected(origin: AttributeType | null, value: RowValue): string | null {
  if (value === null) return null;
  if (origin === null || origin.category === 'native') {
    return typeof value === 'string' ? datetimeText(value) : String(value);
  }
  if (origin.category === 'codec') return origin.storage === 'bytes' ? hex(value as Uint8Array) : canonicalJson(value);
  switch (origin.core) {
    case 'float32': case 'float64': return floatText(value as number, origin.core === 'float32');
    case 'decimal': return scaled(value as string, origin.scale ?? 0);
    case 'bool': return String(value);
    case 'json': return canonicalJson(value);
    case 'bytes': return hex(value as Uint8Array);
    case 'datetime': return datetimeText(value as string);
    case 'char': return (value as string).replace(/ +$/, '');
    default: return String(value);
  }
}

/** Canonical text of a value as a backend returned it. */
export function canonicalStored(origin: AttributeType | null, value: RawValue): string | null {
  if (value === null) return null;
  if (origin === null || origin.category === 'native') {
    return Buffer.isBuffer(value) ? hex(value) : typeof value === 'string' ? datetimeText(value) : String(value);
  }
  if (origin.category === 'codec') {
    return origin.storage === 'bytes' ? hex(value as Buffer) : canonicalJson(JSON.parse(String(value)));
  }
  switch (origin.core) {
    case 'float32': case 'float64': return floatText(Number(value), origin.core === 'float32');
    case 'decimal': return scaled(String(value), origin.scale ?? 0);
    case 'bool': return String(value === true || value === 1 || value === '1' || value === 't');
    case 'uuid': {
      if (!Buffer.isBuffer(value)) return String(value).toLowerCase();
      const h = hex(value);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'json': return canonicalJson(JSON.parse(String(value)));
    case 'bytes': return hex(value as Buffer);
    case 'datetime': return datetimeText(String(value));
    case 'char': return String(value).replace(/ +$/, '');
    default: return String(value);
  }
}

function originOf(table: FixtureTable, name: string): AttributeType | null {
  const column: DeclaredColumn | undefined = table.declaration?.columns.find((c) => c.name === name);
  return column ? column.origin : null;
}

function sortRows(rows: CanonicalRow[], key: string[]): CanonicalRow[] {
  const k = (r: CanonicalRow) => JSON.stringify(key.map((c) => r[c]));
  return rows.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

/** The fixture's intended rows of a table, canonical and sorted by primary key. */
export function expectedRows(table: FixtureTable): CanonicalRow[] {
  return sortRows(table.rows.map((row) => Object.fromEntries(table.columns.filter((c) => c in row)
    .map((c) => [c, canonicalExpected(originOf(table, c), row[c])]))), table.primaryKey);
}

/** The rows stored in the database, canonical and sorted by primary key. */
export async function storedRows(
  db: Database, table: FixtureTable, columns = table.rows.length > 0 ? Object.keys(table.rows[0]) : table.columns,
): Promise<CanonicalRow[]> {
  const q = (n: string) => db.quoteIdent(n);
  const select = columns.map((c) => {
    const origin = originOf(table, c);
    const single = origin?.category === 'core' && origin.core === 'float32';
    return db.family === 'mysql' && single ? `CAST(${q(c)} AS DOUBLE) AS ${q(c)}` : q(c);
  });
  const rows = await db.query(`SELECT ${select.join(', ')} FROM ${q(table.schema)}.${q(table.name)}`);
  return sortRows(rows.map((r) => Object.fromEntries(columns.map((c) => [c, canonicalStored(originOf(table, c), r[c])]))), table.primaryKey);
}
