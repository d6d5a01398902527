/**
 * MySQL table DDL in DataJoint's shape (reference §1.5.1): columns with inline comments,
 * PRIMARY KEY, unnamed FOREIGN KEYs, inline `unique index (…)` / `index (…)`, then
 * `ENGINE=InnoDB` and the table comment. Used for tables translated from PostgreSQL.
 */
import type { FkAction } from '../catalog/model.js';
import { qualifiedName, quoteIdent, stringLiteral } from './sql/quote.js';

export interface MyColumnModel {
  name: string;
  sqlType: string;
  nullable: boolean;
  /** SQL text after DEFAULT, or null (nullable columns then get `DEFAULT NULL`) */
  defaultSql: string | null;
  autoIncrement: boolean;
  comment: string | null;
}

export interface MyIndexModel {
  unique: boolean;
  /** column name and optional prefix length */
  columns: { name: string; prefix?: number }[];
}

export interface MyTableModel {
  schema: string;
  name: string;
  columns: MyColumnModel[];
  primaryKey: string[];
  foreignKeys: { columns: string[]; refSchema: string; refTable: string; refColumns: string[]; onUpdate: FkAction; onDelete: FkAction }[];
  indexes: MyIndexModel[];
  comment: string;
}

const q = (s: string) => quoteIdent(s, 'mysql');

function columnLine(c: MyColumnModel): string {
  let line = `${q(c.name)} ${c.sqlType}`;
  if (c.defaultSql !== null) line += `${c.nullable ? '' : ' NOT NULL'} DEFAULT ${c.defaultSql}`;
  else line += c.nullable ? ' DEFAULT NULL' : ' NOT NULL';
  if (c.autoIncrement) line += ' AUTO_INCREMENT';
  if (c.comment) line += ` COMMENT ${stringLiteral(c.comment, 'mysql')}`;
  return line;
}

export function mysqlCreateTable(t: MyTableModel): string {
  const lines = t.columns.map(columnLine);
  if (t.primaryKey.length) lines.push(`PRIMARY KEY (${t.primaryKey.map(q).join(',')})`);
  for (const fk of t.foreignKeys) {
    lines.push(`FOREIGN KEY (${fk.columns.map(q).join(',')}) REFERENCES ${qualifiedName(fk.refSchema, fk.refTable, 'mysql')} (${fk.refColumns.map(q).join(',')}) ON UPDATE ${fk.onUpdate} ON DELETE ${fk.onDelete}`);
  }
  for (const i of t.indexes) {
    lines.push(`${i.unique ? 'unique ' : ''}index (${i.columns.map((c) => q(c.name) + (c.prefix ? `(${c.prefix})` : '')).join(',')})`);
  }
  let sql = `CREATE TABLE ${qualifiedName(t.schema, t.name, 'mysql')} (\n${lines.join(',\n')}\n) ENGINE=InnoDB`;
  if (t.comment) sql += `, COMMENT ${stringLiteral(t.comment, 'mysql')}`;
  return sql;
}
