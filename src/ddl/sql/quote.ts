/**
 * Identifiers and string literals written for one family. Literals are escaped for the
 * server's default settings: MySQL reads backslash escapes in strings (no NO_BACKSLASH_ESCAPES),
 * PostgreSQL strings are standard conforming (backslashes are plain characters).
 */
import type { Family } from '../../db/types.js';

export function quoteIdent(name: string, family: Family): string {
  return family === 'mysql' ? '`' + name.replace(/`/g, '``') + '`' : '"' + name.replace(/"/g, '""') + '"';
}

export function qualifiedName(schema: string, name: string, family: Family): string {
  return `${quoteIdent(schema, family)}.${quoteIdent(name, family)}`;
}

export function stringLiteral(value: string, family: Family): string {
  if (family === 'postgres') return `'${value.replace(/'/g, "''")}'`;
  return `'${value.replace(/\\/g, '\\\\').replace(/\0/g, '\\0').replace(/'/g, "''")}'`;
}
