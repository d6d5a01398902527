/**
 * Table constraints besides the primary and foreign keys, read from a table's createSql:
 * CHECK (MySQL and PostgreSQL), UNIQUE and EXCLUDE constraints (PostgreSQL). DataJoint declares
 * none of them (MariaDB's `json` CHECK aside), so they matter for replaying non-DataJoint tables
 * and for reporting what a translation leaves out.
 */
import type { Family } from '../db/types.js';
import { renameInTokens, type RenameMap } from './sql/names.js';
import { identName, isPunct, isWord, render, significant, splitTopLevel, tokenize } from './sql/tokens.js';

export interface TableConstraint {
  name: string | null;
  kind: 'check' | 'unique' | 'exclude';
  /** the element as written (after renaming), e.g. `CONSTRAINT "x" CHECK (a > 0)` */
  sql: string;
  /** UNIQUE: the plain column list, or null if it is not one */
  columns: string[] | null;
  /** MySQL column-level CHECK: the column it is attached to */
  column?: string;
  /** the CHECK expression with its parentheses */
  expression?: string;
}

export function tableConstraints(createSql: string, family: Family, rename: RenameMap = new Map()): TableConstraint[] {
  if (!createSql) return [];
  const tokens = renameInTokens(tokenize(createSql, family), family, rename);
  const sig = significant(tokens);
  const open = sig.findIndex((x) => isPunct(x.token, '('));
  if (open < 0) return [];
  const { groups } = splitTopLevel(sig, open);
  const out: TableConstraint[] = [];
  for (const g of groups) {
    let k = 0;
    let name: string | null = null;
    if (isWord(g[0]?.token, 'CONSTRAINT')) {
      if (g[1] && (g[1].token.kind === 'quoted' || (g[1].token.kind === 'word' && !['CHECK', 'UNIQUE', 'EXCLUDE', 'FOREIGN', 'PRIMARY'].includes(g[1].token.text.toUpperCase())))) {
        name = identName(g[1].token, family);
        k = 2;
      } else k = 1;
    }
    const head = g[k]?.token;
    const sql = render(tokens.slice(g[0].index, g[g.length - 1].index + 1));
    if (isWord(head, 'CHECK')) {
      out.push({ name, kind: 'check', sql, columns: null, expression: render(tokens.slice(g[k + 1].index, g[g.length - 1].index + 1)) });
    } else if (isWord(head, 'EXCLUDE')) {
      out.push({ name, kind: 'exclude', sql, columns: null });
    } else if (isWord(head, 'UNIQUE') && family === 'postgres') {
      const body = g.slice(k + 1);
      const plain = isPunct(body[0]?.token, '(') && isPunct(body[body.length - 1]?.token, ')')
        && body.slice(1, -1).every((x, i) => (i % 2 === 0 ? x.token.kind === 'word' || x.token.kind === 'quoted' : isPunct(x.token, ',')));
      out.push({
        name, kind: 'unique', sql,
        columns: plain ? body.slice(1, -1).filter((_x, i) => i % 2 === 0).map((x) => identName(x.token, family)!) : null,
      });
    } else if (family === 'mysql' && g[0]?.token.kind === 'quoted') {
      // a column definition with an inline CHECK (MariaDB writes json as longtext CHECK (json_valid(`c`)))
      for (let j = 1; j < g.length; j++) {
        if (isWord(g[j].token, 'CHECK') && isPunct(g[j + 1]?.token, '(')) {
          let depth = 0;
          let end = j + 1;
          for (; end < g.length; end++) {
            if (isPunct(g[end].token, '(')) depth++;
            else if (isPunct(g[end].token, ')') && --depth === 0) break;
          }
          const expression = render(tokens.slice(g[j + 1].index, g[end].index + 1));
          out.push({ name: null, kind: 'check', sql: `CHECK ${expression}`, columns: null, column: identName(g[0].token, family)!, expression });
          j = end;
        }
      }
    }
  }
  return out;
}
