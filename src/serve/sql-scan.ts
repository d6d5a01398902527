/**
 * Find a `COPY … FROM STDIN` statement in SQL text as a client sends it (one Query or Parse
 * message may hold several statements). Literals, quoted identifiers and comments are blanked
 * first, so `SELECT 'copy t from stdin'` or `-- copy … from stdin` are not mistaken for one.
 * The lexing follows PostgreSQL's rules with standard_conforming_strings on (its default):
 * `'…'` with `''`, `E'…'` with backslash escapes, `"…"`, `$tag$…$tag$`, `--` and nested
 * `/* … *\/` comments.
 */

/** The first `COPY … FROM STDIN` statement in `sql` (trimmed, code only), or null. */
export function copyFromStdinStatement(sql: string): string | null {
  // Most messages are plain queries, some of them huge (DataJoint inlines blob values as
  // literals): a native search rules them out before any lexing.
  if (!/copy/i.test(sql) || !/stdin/i.test(sql)) return null;
  for (const statement of codeStatements(sql)) {
    if (/^\s*copy\b/i.test(statement) && /\bfrom\s+stdin\b/i.test(statement)) return statement.trim();
  }
  return null;
}

const SPECIAL = /[;'"$/-]/g;

/** The statements of `sql` with every literal, quoted identifier and comment replaced by a space. */
export function codeStatements(sql: string): string[] {
  const statements: string[] = [];
  let parts: string[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    SPECIAL.lastIndex = i;
    const found = SPECIAL.exec(sql);
    const at = found ? found.index : n;
    if (at > i) parts.push(sql.slice(i, at));
    if (!found) break;
    const c = sql[at];
    const next = sql[at + 1];
    i = at + 1;
    if (c === ';') {
      statements.push(parts.join(''));
      parts = [];
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', at);
      i = end < 0 ? n : end + 1;
      parts.push(' ');
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, at);
      parts.push(' ');
    } else if (c === "'") {
      const escapes = (sql[at - 1] === 'E' || sql[at - 1] === 'e') && !isIdentChar(sql[at - 2]);
      i = skipQuoted(sql, at, "'", escapes);
      parts.push(' ');
    } else if (c === '"') {
      i = skipQuoted(sql, at, '"', false);
      parts.push(' ');
    } else if (c === '$' && !isIdentChar(sql[at - 1])) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(at, at + 64));
      if (tag) {
        const end = sql.indexOf(tag[0], at + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
        parts.push(' ');
      } else {
        parts.push(c);
      }
    } else {
      parts.push(c);
    }
  }
  const last = parts.join('');
  if (last.trim()) statements.push(last);
  return statements;
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
}

/** Index just past the closing quote; a doubled quote stays inside, as does `\x` with escapes. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
