/**
 * PostgreSQL table DDL in DataJoint's shape (reference §1.5.2): columns, primary key and foreign
 * keys inside CREATE TABLE; indexes and comments as separate statements after it. Used both to
 * replay a PostgreSQL catalog and to declare a table translated from MySQL.
 */
import type { ForeignKey } from '../catalog/model.js';
import { qualifiedName, quoteIdent, stringLiteral } from './sql/quote.js';

export interface PgColumnModel {
  name: string;
  sqlType: string;
  collation?: string | null;
  /** identity column; `sequence` (qualified, quoted) names its sequence */
  identity?: { always: boolean; sequence?: string } | null;
  /** GENERATED ALWAYS AS (expr) STORED */
  generatedExpr?: string | null;
  nullable: boolean;
  /** SQL text after DEFAULT, or null */
  defaultSql: string | null;
  /** DataJoint writes `DEFAULT NULL` on nullable attributes */
  explicitNullDefault?: boolean;
}

/** A foreign key to emit; its name is kept on replay (DataJoint leaves naming to the server). */
export type PgForeignKeyModel = Omit<ForeignKey, 'name'> & { name?: string };

export interface PgTableModel {
  schema: string;
  name: string;
  columns: PgColumnModel[];
  primaryKey: string[];
  foreignKeys: PgForeignKeyModel[];
  /** further table constraints, written as given (`CONSTRAINT "x" CHECK (…)`) */
  constraints: string[];
  /** statements before CREATE TABLE (sequences a serial column's default uses) */
  before: string[];
  /** CREATE INDEX statements */
  indexes: string[];
  /** null: no COMMENT ON TABLE at all */
  comment: string | null;
  columnComments: { column: string; comment: string }[];
  /** statements after the comments (ALTER SEQUENCE … OWNED BY) */
  after: string[];
}

const q = (s: string) => quoteIdent(s, 'postgres');

function columnLine(c: PgColumnModel): string {
  let line = `${q(c.name)} ${c.sqlType}`;
  if (c.collation) line += ` COLLATE ${q(c.collation)}`;
  if (c.identity) {
    line += ` GENERATED ${c.identity.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
    if (c.identity.sequence) line += ` (SEQUENCE NAME ${c.identity.sequence})`;
  }
  if (!c.nullable) line += ' NOT NULL';
  if (c.generatedExpr) line += ` GENERATED ALWAYS AS (${c.generatedExpr}) STORED`;
  else if (c.defaultSql !== null) line += ` DEFAULT ${c.defaultSql}`;
  else if (c.nullable && c.explicitNullDefault && !c.identity) line += ' DEFAULT NULL';
  return line;
}

export function postgresTableStatements(t: PgTableModel): string[] {
  const full = qualifiedName(t.schema, t.name, 'postgres');
  const lines = t.columns.map(columnLine);
  if (t.primaryKey.length) lines.push(`PRIMARY KEY (${t.primaryKey.map(q).join(', ')})`);
  for (const fk of t.foreignKeys) {
    lines.push(`${fk.name ? `CONSTRAINT ${q(fk.name)} ` : ''}FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${qualifiedName(fk.refSchema, fk.refTable, 'postgres')} (${fk.refColumns.map(q).join(', ')}) ON UPDATE ${fk.onUpdate} ON DELETE ${fk.onDelete}`);
  }
  lines.push(...t.constraints);
  const out = [...t.before, `CREATE TABLE ${full} (\n${lines.join(',\n')}\n)`, ...t.indexes];
  if (t.comment !== null) out.push(`COMMENT ON TABLE ${full} IS ${stringLiteral(t.comment, 'postgres')}`);
  for (const c of t.columnComments) {
    out.push(`COMMENT ON COLUMN ${full}.${q(c.column)} IS ${stringLiteral(c.comment, 'postgres')}`);
  }
  out.push(...t.after);
  return out;
}

/** DataJoint's index name on PostgreSQL: `idx_<table>_<columns joined by _, first 30 characters>`, cut to 63 bytes like the server does. */
export function postgresIndexName(table: string, columns: string[]): string {
  const cols = Array.from(columns.join('_')).slice(0, 30).join('');
  return clipIdentifier(`idx_${table}_${cols}`);
}

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1) at a character boundary. */
export function clipIdentifier(name: string): string {
  if (Buffer.byteLength(name, 'utf8') <= 63) return name;
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > 63) break;
    out += ch;
  }
  return out;
}

export function postgresCreateIndex(schema: string, table: string, name: string, columns: string[], unique: boolean): string {
  return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${q(name)} ON ${qualifiedName(schema, table, 'postgres')} (${columns.map(q).join(', ')})`;
}
