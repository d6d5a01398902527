/**
 * The SELECT that streams one table for export: every column (hidden ones too) in table order,
 * each in the form that reaches us exactly, ordered by primary key. `ordered: false` leaves the
 * order to the server, for readers whose result does not depend on it (the logical hash): a
 * plain scan instead of walking the key's index or sorting.
 */
import type { Column, Table } from '../catalog/model.js';
import type { Database } from '../db/types.js';

export function selectForExport(db: Database, table: Table, { ordered = true }: { ordered?: boolean } = {}): string {
  const q = (s: string) => db.quoteIdent(s);
  const cols = table.columns.map((c) => columnExpression(db, c));
  const order = !ordered ? [] : table.primaryKey.length ? table.primaryKey : table.columns.filter(orderable).map((c) => c.name);
  const orderBy = order.length ? ` ORDER BY ${order.map(q).join(', ')}` : '';
  return `SELECT ${cols.join(', ')} FROM ${q(table.schema)}.${q(table.name)}${orderBy}`;
}

function columnExpression(db: Database, c: Column): string {
  const name = db.quoteIdent(c.name);
  if (db.family === 'mysql') {
    // The text protocol prints FLOAT with 6 significant digits; as DOUBLE it is exact.
    if (c.kind === 'float32' && c.dataType === 'float') return `CAST(${name} AS DOUBLE) AS ${name}`;
    return name;
  }
  // real as text: the same float32 after normalisation, and it keeps the table on the fast
  // binary COPY path, which has no decoder for real (db/postgres/copy-binary.ts).
  if (c.kind === 'text' || c.dataType === 'user-defined' || c.dataType === 'real') return `${name}::text AS ${name}`;
  return name;
}

function orderable(c: Column): boolean {
  return c.kind !== 'json' || c.dataType !== 'json';
}

export function countRows(db: Database, table: Table): string {
  return `SELECT COUNT(*) AS n FROM ${db.quoteIdent(table.schema)}.${db.quoteIdent(table.name)}`;
}
