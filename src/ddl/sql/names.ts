/**
 * Schema renaming inside SQL text, done on tokens: only identifier tokens that stand in the
 * schema position of a qualified name (`schema.object`) are replaced, plus the object names
 * inside PostgreSQL `'…'::regclass`-style literals (where the server itself reads a name).
 * Other string literals and comments are never changed, so a column comment or a default value
 * that happens to contain the old schema name stays as it was.
 */
import type { Family } from '../../db/types.js';
import { DdlError } from '../errors.js';
import { quoteIdent, stringLiteral } from './quote.js';
import { identName, isPunct, isWord, render, significant, tokenize, type Token } from './tokens.js';

export type RenameMap = ReadonlyMap<string, string>;

const OBJECT_NAME_CASTS = new Set(['REGCLASS', 'REGTYPE', 'REGPROC', 'REGPROCEDURE', 'REGNAMESPACE', 'REGOPER', 'REGCONFIG']);

function isIdent(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
}

/** Replace renamed schemas in qualified names of a token list (in place) and return it. */
export function renameInTokens(tokens: Token[], family: Family, rename: RenameMap): Token[] {
  if (rename.size === 0) return tokens;
  const sig = significant(tokens);
  for (let k = 0; k < sig.length; k++) {
    const t = sig[k].token;
    if (isIdent(t) && isPunct(sig[k + 1]?.token, '.') && isIdent(sig[k + 2]?.token) && !isPunct(sig[k - 1]?.token, '.')) {
      const name = identName(t, family)!;
      const renamed = rename.get(name);
      if (renamed !== undefined) tokens[sig[k].index] = { kind: 'quoted', text: quoteIdent(renamed, family), value: renamed };
      continue;
    }
    if (family === 'postgres' && t.kind === 'string' && isPunct(sig[k + 1]?.token, '::')) {
      const cast = sig[k + 2]?.token;
      if (cast && cast.kind === 'word' && OBJECT_NAME_CASTS.has(cast.text.toUpperCase())) {
        const rewritten = cast.text.toUpperCase() === 'REGNAMESPACE'
          ? renameNamespaceLiteral(t.value, rename)
          : renameObjectLiteral(t.value, rename);
        if (rewritten !== null) {
          tokens[sig[k].index] = { kind: 'string', text: stringLiteral(rewritten, 'postgres'), value: rewritten };
        }
      }
    }
  }
  return tokens;
}

/** Rename schemas in a SQL text (expression, type, statement). */
export function renameInSql(sql: string, family: Family, rename: RenameMap): string {
  if (rename.size === 0) return sql;
  return render(renameInTokens(tokenize(sql, family), family, rename));
}

function renameObjectLiteral(value: string, rename: RenameMap): string | null {
  let tokens: Token[];
  try {
    tokens = tokenize(value, 'postgres');
  } catch {
    return null;
  }
  const before = render(tokens);
  const after = render(renameInTokens(tokens, 'postgres', rename));
  return after === before ? null : after;
}

function renameNamespaceLiteral(value: string, rename: RenameMap): string | null {
  let tokens: Token[];
  try {
    tokens = tokenize(value, 'postgres');
  } catch {
    return null;
  }
  const sig = significant(tokens);
  if (sig.length !== 1 || !isIdent(sig[0].token)) return null;
  const renamed = rename.get(identName(sig[0].token, 'postgres')!);
  return renamed === undefined ? null : quoteIdent(renamed, 'postgres');
}

/** A possibly schema-qualified name parsed from SQL text such as a PostgreSQL type or `regclass` literal. */
export interface ParsedName {
  schema: string | null;
  name: string;
  /** Text after the name, e.g. `[]` of an array type. */
  rest: string;
}

export function parseQualifiedName(sql: string, family: Family): ParsedName | null {
  const tokens = tokenize(sql.trim(), family);
  const sig = significant(tokens);
  if (!isIdent(sig[0]?.token)) return null;
  if (isPunct(sig[1]?.token, '.') && isIdent(sig[2]?.token)) {
    return {
      schema: identName(sig[0].token, family),
      name: identName(sig[2].token, family)!,
      rest: render(tokens.slice(sig[2].index + 1)).trim(),
    };
  }
  return { schema: null, name: identName(sig[0].token, family)!, rest: render(tokens.slice(sig[0].index + 1)).trim() };
}

/**
 * A MySQL `SHOW CREATE TABLE` text made schema-qualified for the target: the table name after
 * CREATE TABLE and every unqualified REFERENCES target (MySQL omits the database of tables in
 * the same database) get the target schema; qualified names in renamed schemas are rewritten.
 */
export function qualifyMysqlCreateTable(createSql: string, targetSchema: string, rename: RenameMap): string {
  const tokens = renameInTokens(tokenize(createSql, 'mysql'), 'mysql', rename);
  const sig = significant(tokens);
  let k = 0;
  if (!isWord(sig[k]?.token, 'CREATE')) throw notCreateTable(createSql);
  k++;
  if (isWord(sig[k]?.token, 'TEMPORARY')) k++;
  if (!isWord(sig[k]?.token, 'TABLE')) throw notCreateTable(createSql);
  k++;
  if (isWord(sig[k]?.token, 'IF')) k += 3;
  qualifyAt(tokens, sig, k, targetSchema);
  for (let j = k + 1; j < sig.length; j++) {
    if (isWord(sig[j].token, 'REFERENCES')) qualifyAt(tokens, sig, j + 1, targetSchema);
  }
  return render(tokens);
}

function qualifyAt(tokens: Token[], sig: { token: Token; index: number }[], k: number, schema: string): void {
  const t = sig[k]?.token;
  if (!isIdent(t)) throw new DdlError('sql_unparsable', `Expected a table name in the snapshot's CREATE TABLE text, found ${JSON.stringify(t?.text ?? 'the end')}.`);
  if (isPunct(sig[k + 1]?.token, '.')) return;
  const name = identName(t, 'mysql')!;
  const text = `${quoteIdent(schema, 'mysql')}.${quoteIdent(name, 'mysql')}`;
  tokens[sig[k].index] = { kind: 'quoted', text, value: name };
}

function notCreateTable(sql: string): DdlError {
  return new DdlError('manifest_invalid',
    `The snapshot's createSql is not a CREATE TABLE statement: ${JSON.stringify(sql.slice(0, 80))}. Re-export the snapshot.`);
}
