/**
 * What the DDL compiler reads from a MySQL `SHOW CREATE TABLE` text beyond the catalog columns:
 * per column the default as written there (the same on MySQL and MariaDB, unlike the catalog's
 * COLUMN_DEFAULT), `ON UPDATE`, generated-column and CHECK clauses.
 */
import { parseMysqlDefaultTerm, type DefaultValue } from './defaults.js';
import { DdlError } from './errors.js';
import { identName, isPunct, isWord, significant, splitTopLevel, tokenize } from './sql/tokens.js';

export interface MysqlColumnClauses {
  default: DefaultValue | null;
  onUpdate: string | null;
  generated: boolean;
  /** an inline CHECK on the column (MariaDB's `json` is `longtext … CHECK (json_valid(…))`) */
  check: string | null;
}

const ATTRIBUTE_WORDS = new Set(['NOT', 'NULL', 'DEFAULT', 'AUTO_INCREMENT', 'COMMENT', 'COLLATE', 'CHARACTER',
  'CHARSET', 'CHECK', 'GENERATED', 'AS', 'ON', 'INVISIBLE', 'VISIBLE', 'PRIMARY', 'UNIQUE', 'KEY', 'REFERENCES',
  'STORED', 'VIRTUAL', 'PERSISTENT', 'COLUMN_FORMAT', 'STORAGE', 'SRID', 'CONSTRAINT', 'COMPRESSED']);

export function parseMysqlCreateColumns(createSql: string): Map<string, MysqlColumnClauses> {
  const sig = significant(tokenize(createSql, 'mysql'));
  const open = sig.findIndex((s) => isPunct(s.token, '('));
  if (open < 0) throw new DdlError('manifest_invalid', `The snapshot's createSql has no column list: ${JSON.stringify(createSql.slice(0, 80))}.`);
  const { groups } = splitTopLevel(sig, open);
  const out = new Map<string, MysqlColumnClauses>();
  for (const g of groups) {
    const first = g[0]?.token;
    if (!first || first.kind !== 'quoted') continue; // keys and constraints start with a keyword
    const name = identName(first, 'mysql')!;
    const clauses: MysqlColumnClauses = { default: null, onUpdate: null, generated: false, check: null };
    // Skip the type: everything up to the first attribute keyword at depth 0.
    let k = 1;
    let depth = 0;
    for (; k < g.length; k++) {
      const t = g[k].token;
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
      else if (depth === 0 && t.kind === 'word' && ATTRIBUTE_WORDS.has(t.text.toUpperCase())) break;
    }
    while (k < g.length) {
      const t = g[k].token;
      if (isWord(t, 'DEFAULT')) {
        const { value, end } = parseMysqlDefaultTerm(g, k + 1);
        clauses.default = value;
        k = end;
      } else if (isWord(t, 'ON') && isWord(g[k + 1]?.token, 'UPDATE')) {
        const { value, end } = parseMysqlDefaultTerm(g, k + 2);
        clauses.onUpdate = value.kind === 'now' ? (value.fsp ? `CURRENT_TIMESTAMP(${value.fsp})` : 'CURRENT_TIMESTAMP') : g.slice(k + 2, end).map((s) => s.token.text).join('');
        k = end;
      } else if (isWord(t, 'GENERATED') || (isWord(t, 'AS') && isPunct(g[k + 1]?.token, '('))) {
        clauses.generated = true;
        k++;
      } else if (isWord(t, 'CHECK') && isPunct(g[k + 1]?.token, '(')) {
        const end = closeOf(g, k + 1);
        clauses.check = g.slice(k + 1, end + 1).map((s) => s.token.text).join('');
        k = end + 1;
      } else if (isPunct(t, '(')) {
        k = closeOf(g, k) + 1;
      } else k++;
    }
    out.set(name, clauses);
  }
  return out;
}

function closeOf(g: { token: { kind: string; text: string } }[], open: number): number {
  let depth = 0;
  for (let j = open; j < g.length; j++) {
    if (g[j].token.kind === 'punct' && g[j].token.text === '(') depth++;
    else if (g[j].token.kind === 'punct' && g[j].token.text === ')') {
      depth--;
      if (depth === 0) return j;
    }
  }
  return g.length - 1;
}
