/**
 * A lossless SQL tokenizer for the two families: joining the tokens' `text` gives back the input
 * byte for byte. The DDL compiler rewrites schema names only in tokens it has classified as
 * identifiers, so string literals and comments (where a schema name may legitimately appear,
 * e.g. in a column comment) are never touched.
 *
 * MySQL: backtick identifiers, '…' and "…" strings with backslash escapes and doubled quotes,
 * `#`/`-- ` line comments, `/* … *\/` comments (`/*! … *\/` executable ones kept as comments).
 * PostgreSQL: "…" identifiers, '…' strings (standard conforming), E'…' escape strings,
 * $tag$…$tag$ dollar quoting, `--` line comments, nested `/* … *\/` comments.
 */
import type { Family } from '../../db/types.js';
import { DdlError } from '../errors.js';

export type TokenKind =
  /** an unquoted word: keyword or bare identifier */
  | 'word'
  /** a quoted identifier; `value` is the unquoted name */
  | 'quoted'
  /** a string literal; `value` is the decoded text */
  | 'string'
  | 'number'
  /** any other single character, or PostgreSQL's `::` */
  | 'punct'
  | 'space'
  | 'comment';

export interface Token {
  kind: TokenKind;
  text: string;
  /** quoted: the identifier; string: the decoded literal; word: the text */
  value: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART_MYSQL = /[A-Za-z0-9_$\u0080-\uffff]/;
const WORD_PART_PG = /[A-Za-z0-9_$\u0080-\uffff]/;

function fail(sql: string, at: number, what: string): never {
  throw new DdlError('sql_unparsable',
    `Cannot parse SQL from the snapshot: ${what} at offset ${at} in ${JSON.stringify(sql.length > 200 ? sql.slice(0, 200) + '…' : sql)}. The manifest's SQL text is damaged; re-export the snapshot.`,
    { offset: at });
}

/** Split SQL text into tokens; throws DdlError on an unterminated quote or comment. */
export function tokenize(sql: string, family: Family): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  const push = (kind: TokenKind, start: number, value?: string) => {
    const text = sql.slice(start, i);
    out.push({ kind, text, value: value ?? text });
  };
  while (i < n) {
    const start = i;
    const c = sql[i];
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      push('space', start);
    } else if (c === '-' && sql[i + 1] === '-' && (family === 'postgres' || i + 2 >= n || /\s/.test(sql[i + 2]))) {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start);
    } else if (c === '#' && family === 'mysql') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start);
    } else if (c === '/' && sql[i + 1] === '*') {
      i = skipBlockComment(sql, i, family);
      push('comment', start);
    } else if (c === '`' && family === 'mysql') {
      const { end, value } = readQuoted(sql, i, '`', false);
      i = end;
      push('quoted', start, value);
    } else if (c === '"' && family === 'postgres') {
      const { end, value } = readQuoted(sql, i, '"', false);
      i = end;
      push('quoted', start, value);
    } else if (c === "'" || (c === '"' && family === 'mysql')) {
      const { end, value } = readQuoted(sql, i, c, family === 'mysql');
      i = end;
      push('string', start, value);
    } else if (family === 'postgres' && (c === 'E' || c === 'e') && sql[i + 1] === "'") {
      const { end, value } = readQuoted(sql, i + 1, "'", true);
      i = end;
      push('string', start, value);
    } else if (family === 'postgres' && c === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))![0];
      const close = sql.indexOf(tag, i + tag.length);
      if (close < 0) fail(sql, i, 'unterminated dollar-quoted string');
      i = close + tag.length;
      push('string', start, sql.slice(start + tag.length, close));
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      i = readNumber(sql, i);
      push('number', start);
    } else if (WORD_START.test(c)) {
      const part = family === 'mysql' ? WORD_PART_MYSQL : WORD_PART_PG;
      while (i < n && part.test(sql[i])) i++;
      push('word', start);
    } else if (family === 'postgres' && c === ':' && sql[i + 1] === ':') {
      i += 2;
      push('punct', start);
    } else {
      i++;
      push('punct', start);
    }
  }
  return out;
}

function skipBlockComment(sql: string, i: number, family: Family): number {
  let depth = 0;
  const n = sql.length;
  const start = i;
  while (i < n) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
      // MySQL comments do not nest.
      if (family === 'mysql') {
        const end = sql.indexOf('*/', i);
        if (end < 0) fail(sql, start, 'unterminated comment');
        return end + 2;
      }
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return fail(sql, start, 'unterminated comment');
}

const MYSQL_ESCAPES: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };

function readQuoted(sql: string, i: number, quote: string, backslash: boolean): { end: number; value: string } {
  const start = i;
  i++;
  let value = '';
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\' && i + 1 < sql.length) {
      const next = sql[i + 1];
      value += MYSQL_ESCAPES[next] ?? next;
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i += 2;
      } else {
        return { end: i + 1, value };
      }
    } else {
      value += c;
      i++;
    }
  }
  return fail(sql, start, `unterminated ${quote} quote`);
}

function readNumber(sql: string, i: number): number {
  if (sql[i] === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X')) {
    i += 2;
    while (i < sql.length && /[0-9a-fA-F]/.test(sql[i])) i++;
    return i;
  }
  while (i < sql.length && /[0-9]/.test(sql[i])) i++;
  if (sql[i] === '.') {
    i++;
    while (i < sql.length && /[0-9]/.test(sql[i])) i++;
  }
  if ((sql[i] === 'e' || sql[i] === 'E') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
    const j = /[-+]/.test(sql[i + 1]) ? i + 2 : i + 1;
    if (/[0-9]/.test(sql[j] ?? '')) {
      i = j;
      while (i < sql.length && /[0-9]/.test(sql[i])) i++;
    }
  }
  return i;
}

export function render(tokens: Token[]): string {
  return tokens.map((t) => t.text).join('');
}

/** Tokens without whitespace and comments, with their index in the full list. */
export function significant(tokens: Token[]): { token: Token; index: number }[] {
  const out: { token: Token; index: number }[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== 'space' && token.kind !== 'comment') out.push({ token, index });
  });
  return out;
}

export function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === 'word' && t.text.toUpperCase() === word;
}

export function isPunct(t: Token | undefined, p: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === p;
}

/** An identifier token (bare or quoted); its name as the server sees it. */
export function identName(t: Token | undefined, family: Family): string | null {
  if (!t) return null;
  if (t.kind === 'quoted') return t.value;
  // PostgreSQL folds unquoted identifiers to lower case; MySQL keeps them as written.
  if (t.kind === 'word') return family === 'postgres' ? t.text.toLowerCase() : t.text;
  return null;
}

/**
 * Split the significant tokens between an opening parenthesis at `open` and its match into
 * top-level comma-separated groups. Returns the groups and the index after the closing one.
 */
export function splitTopLevel(sig: { token: Token; index: number }[], open: number): { groups: { token: Token; index: number }[][]; end: number } {
  if (!isPunct(sig[open]?.token, '(')) throw new DdlError('sql_unparsable', 'Expected "(" in the snapshot SQL text.', {});
  const groups: { token: Token; index: number }[][] = [[]];
  let depth = 0;
  for (let k = open + 1; k < sig.length; k++) {
    const t = sig[k].token;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) {
      if (depth === 0) return { groups: groups[0].length === 0 && groups.length === 1 ? [] : groups, end: k + 1 };
      depth--;
    } else if (isPunct(t, ',') && depth === 0) {
      groups.push([]);
      continue;
    }
    groups[groups.length - 1].push(sig[k]);
  }
  throw new DdlError('sql_unparsable', 'Unbalanced parentheses in the snapshot SQL text.', {});
}
