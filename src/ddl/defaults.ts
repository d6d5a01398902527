/**
 * Column defaults across families. A default is read into a small neutral form (a literal value,
 * a boolean, "now", NULL, or an untranslatable expression) and written again for the target in
 * DataJoint's spelling: literals single-quoted (`DEFAULT '0'`, `DEFAULT 'abc'`), booleans as
 * TRUE/FALSE (PostgreSQL) or 1/0 (MySQL), `CURRENT_TIMESTAMP[(n)]`.
 *
 * Sources: MySQL defaults come from the `SHOW CREATE TABLE` text (the catalog's COLUMN_DEFAULT
 * differs between MySQL, which gives the raw value, and MariaDB, which gives an SQL expression);
 * PostgreSQL defaults are `pg_get_expr` expressions (`'abc'::character varying`, `'-1'::integer`).
 */
import type { Family } from '../db/types.js';
import type { ValueKind } from '../values/kinds.js';
import { stringLiteral } from './sql/quote.js';
import { isPunct, isWord, significant, tokenize, type Token } from './sql/tokens.js';

export type DefaultValue =
  | { kind: 'null' }
  /** a constant; `value` is its text (a number's digits, a string's decoded content) */
  | { kind: 'literal'; value: string }
  | { kind: 'bool'; value: boolean }
  /** CURRENT_TIMESTAMP, now(), LOCALTIMESTAMP; `fsp` as written, or null */
  | { kind: 'now'; fsp: number | null }
  | { kind: 'expression'; text: string };

type Sig = { token: Token; index: number }[];

const NOW_WORDS = new Set(['CURRENT_TIMESTAMP', 'NOW', 'LOCALTIMESTAMP', 'LOCALTIME']);

/**
 * Parse one default term from MySQL tokens starting at `k` (just after DEFAULT). Returns the
 * value and the index after it.
 */
export function parseMysqlDefaultTerm(sig: Sig, k: number): { value: DefaultValue; end: number } {
  const t = sig[k]?.token;
  if (!t) return { value: { kind: 'expression', text: '' }, end: k };
  if (isWord(t, 'NULL')) return { value: { kind: 'null' }, end: k + 1 };
  if (isWord(t, 'TRUE') || isWord(t, 'FALSE')) return { value: { kind: 'bool', value: isWord(t, 'TRUE') }, end: k + 1 };
  if (t.kind === 'string') return { value: { kind: 'literal', value: t.value }, end: k + 1 };
  // charset introducer: _utf8mb4'abc', _binary 'x'
  if (t.kind === 'word' && t.text.startsWith('_') && sig[k + 1]?.token.kind === 'string') {
    return { value: { kind: 'literal', value: sig[k + 1].token.value }, end: k + 2 };
  }
  if ((isPunct(t, '-') || isPunct(t, '+')) && sig[k + 1]?.token.kind === 'number') {
    const digits = sig[k + 1].token.text;
    return { value: literalNumber((isPunct(t, '-') ? '-' : '') + digits), end: k + 2 };
  }
  if (t.kind === 'number') return { value: literalNumber(t.text), end: k + 1 };
  if (t.kind === 'word' && NOW_WORDS.has(t.text.toUpperCase())) {
    if (isPunct(sig[k + 1]?.token, '(')) {
      const close = matchParen(sig, k + 1);
      const inner = sig.slice(k + 2, close);
      const fsp = inner.length === 1 && inner[0].token.kind === 'number' ? Number(inner[0].token.text) : inner.length === 0 ? 0 : null;
      if (fsp === null) return { value: { kind: 'expression', text: textOf(sig, k, close + 1) }, end: close + 1 };
      return { value: { kind: 'now', fsp }, end: close + 1 };
    }
    return { value: { kind: 'now', fsp: null }, end: k + 1 };
  }
  if (isPunct(t, '(')) {
    // MySQL 8 expression default `(expr)`: a parenthesised constant is still a constant.
    const close = matchParen(sig, k);
    const inner = parseMysqlDefaultTerm(sig, k + 1);
    if (inner.end === close && inner.value.kind !== 'expression') return { value: inner.value, end: close + 1 };
    return { value: { kind: 'expression', text: textOf(sig, k, close + 1) }, end: close + 1 };
  }
  if (t.kind === 'word' && isPunct(sig[k + 1]?.token, '(')) {
    const close = matchParen(sig, k + 1);
    return { value: { kind: 'expression', text: textOf(sig, k, close + 1) }, end: close + 1 };
  }
  if (t.kind === 'word' && sig[k + 1]?.token.kind === 'string') {
    // b'0101', x'ff'
    return { value: { kind: 'expression', text: textOf(sig, k, k + 2) }, end: k + 2 };
  }
  return { value: { kind: 'expression', text: t.text }, end: k + 1 };
}

function literalNumber(text: string): DefaultValue {
  // Hex literals are byte strings in MySQL, not numbers.
  if (/^-?0x/i.test(text)) return { kind: 'expression', text };
  return { kind: 'literal', value: text };
}

function matchParen(sig: Sig, open: number): number {
  let depth = 0;
  for (let j = open; j < sig.length; j++) {
    if (isPunct(sig[j].token, '(')) depth++;
    else if (isPunct(sig[j].token, ')')) {
      depth--;
      if (depth === 0) return j;
    }
  }
  return sig.length - 1;
}

function textOf(sig: Sig, from: number, to: number): string {
  return sig.slice(from, to).map((s) => s.token.text).join('');
}

/**
 * A MySQL catalog COLUMN_DEFAULT, for manifests without `createSql`: MariaDB reports an SQL
 * expression (`'abc'`, `current_timestamp(3)`, `NULL`), MySQL the raw value with EXTRA
 * `DEFAULT_GENERATED` for expressions.
 */
export function parseMysqlCatalogDefault(text: string | null, extra: string): DefaultValue | null {
  if (text === null) return null;
  if (/DEFAULT_GENERATED/i.test(extra) || /^current_timestamp/i.test(text) || /^'.*'$/s.test(text) || text === 'NULL') {
    const sig = significant(tokenize(text, 'mysql'));
    const { value, end } = parseMysqlDefaultTerm(sig, 0);
    if (end === sig.length) return value;
    return { kind: 'expression', text };
  }
  return { kind: 'literal', value: text };
}

/** Parse a PostgreSQL default expression (`pg_get_expr` text). */
export function parsePostgresDefault(text: string | null): DefaultValue | null {
  if (text === null) return null;
  const sig = significant(tokenize(text, 'postgres'));
  let lo = 0;
  let hi = sig.length;
  // Strip parentheses around the whole expression: `(-1)`.
  while (hi - lo >= 2 && isPunct(sig[lo].token, '(') && matchParen(sig, lo) === hi - 1) {
    lo++;
    hi--;
  }
  const body = sig.slice(lo, hi);
  const term = postgresTerm(body);
  if (term && stripCasts(body, term.end) === body.length) return term.value;
  return { kind: 'expression', text };
}

function postgresTerm(sig: Sig): { value: DefaultValue; end: number } | null {
  const t = sig[0]?.token;
  if (!t) return null;
  if (isWord(t, 'NULL')) return { value: { kind: 'null' }, end: 1 };
  if (isWord(t, 'TRUE') || isWord(t, 'FALSE')) return { value: { kind: 'bool', value: isWord(t, 'TRUE') }, end: 1 };
  if (t.kind === 'string') {
    // A boolean written as a literal keeps its type through the cast: 'true'::boolean.
    return { value: { kind: 'literal', value: t.value }, end: 1 };
  }
  if (t.kind === 'number') return { value: { kind: 'literal', value: t.text }, end: 1 };
  if (isPunct(t, '-') && sig[1]?.token.kind === 'number') return { value: { kind: 'literal', value: '-' + sig[1].token.text }, end: 2 };
  if (t.kind === 'word' && NOW_WORDS.has(t.text.toUpperCase())) {
    if (isPunct(sig[1]?.token, '(')) {
      const close = matchParen(sig, 1);
      const inner = sig.slice(2, close);
      if (inner.length === 0) return { value: { kind: 'now', fsp: null }, end: close + 1 };
      if (inner.length === 1 && inner[0].token.kind === 'number') return { value: { kind: 'now', fsp: Number(inner[0].token.text) }, end: close + 1 };
      return null;
    }
    return { value: { kind: 'now', fsp: null }, end: 1 };
  }
  return null;
}

/** Skip `::type` casts after a term; returns the index after them. */
function stripCasts(sig: Sig, k: number): number {
  while (isPunct(sig[k]?.token, '::')) {
    k++;
    let consumed = false;
    while (k < sig.length && !isPunct(sig[k].token, '::')) {
      const t = sig[k].token;
      if (t.kind === 'word' || t.kind === 'quoted' || isPunct(t, '.') || isPunct(t, '[') || isPunct(t, ']')) {
        k++;
        consumed = true;
      } else if (isPunct(t, '(') && consumed) {
        k = matchParen(sig, k) + 1;
      } else return -1;
    }
    if (!consumed) return -1;
  }
  return k;
}

/** What the writer needs to know about the target column. */
export interface DefaultTarget {
  family: Family;
  kind: ValueKind;
  /** datetime/time fractional digits of the target column (MySQL requires CURRENT_TIMESTAMP(n) to match). */
  fsp?: number;
  /** MySQL: a TEXT/BLOB/JSON column, whose default must be an expression `(…)` on MySQL 8. */
  textLike?: boolean;
  flavor?: 'mariadb' | 'mysql' | 'postgres';
}

const TRUE_WORDS = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'f', 'no', 'n', 'off']);

/** The SQL for `DEFAULT …` on the target, or a problem when the default cannot be carried. */
export function renderDefault(d: DefaultValue, target: DefaultTarget): { sql: string | null; problem?: string } {
  switch (d.kind) {
    case 'null':
      return { sql: 'NULL' };
    case 'bool':
      return { sql: boolSql(d.value, target) };
    case 'literal': {
      if (target.kind === 'bool') {
        const v = d.value.trim().toLowerCase();
        if (TRUE_WORDS.has(v) || (/^-?\d+(\.\d+)?$/.test(v) && Number(v) !== 0)) return { sql: boolSql(true, target) };
        if (FALSE_WORDS.has(v) || (/^-?\d+(\.\d+)?$/.test(v) && Number(v) === 0)) return { sql: boolSql(false, target) };
        return { sql: null, problem: `default ${JSON.stringify(d.value)} is not a boolean` };
      }
      if (target.family === 'postgres' && (target.kind === 'date' || target.kind === 'datetime') && /^0000-00-00/.test(d.value)) {
        return { sql: null, problem: `default ${JSON.stringify(d.value)} (a MySQL zero date) has no PostgreSQL value; dropped` };
      }
      const lit = stringLiteral(d.value, target.family);
      return { sql: target.family === 'mysql' && target.textLike && target.flavor === 'mysql' ? `(${lit})` : lit };
    }
    case 'now': {
      if (target.kind !== 'datetime') return { sql: null, problem: 'default CURRENT_TIMESTAMP on a column that is not a datetime; dropped' };
      const fsp = target.family === 'mysql' ? (target.fsp ?? 0) : (d.fsp ?? 0);
      return { sql: fsp > 0 ? `CURRENT_TIMESTAMP(${fsp})` : 'CURRENT_TIMESTAMP' };
    }
    case 'expression':
      return { sql: null, problem: `default expression ${d.text} has no translation for ${target.family === 'mysql' ? 'MySQL' : 'PostgreSQL'}; dropped` };
  }
}

function boolSql(v: boolean, target: DefaultTarget): string {
  return target.family === 'postgres' ? (v ? 'TRUE' : 'FALSE') : (v ? '1' : '0');
}

