/**
 * Enumerations across families. MySQL declares them inline (`enum('a','b')`); DataJoint on
 * PostgreSQL creates a named type `enum_<first 8 hex digits of md5(sorted labels joined by
 * "_")>` in the table's schema (reference §1.5.2) and FK columns reuse the parent's type.
 * The name only has to be what DataJoint would compute; the labels and their order are the
 * column's real ones.
 */
import { createHash } from 'node:crypto';
import { stringLiteral } from './sql/quote.js';
import { isPunct, isWord, significant, tokenize } from './sql/tokens.js';

/** Python's sorted() on str: by code point (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

export function postgresEnumTypeName(labels: string[]): string {
  const sorted = [...labels].sort(compareCodePoints);
  return 'enum_' + createHash('md5').update(sorted.join('_'), 'utf8').digest('hex').slice(0, 8);
}

/** Labels of a MySQL `enum('a','b')` column type (as COLUMN_TYPE or a `:enum(…):` marker shows it), or null. */
export function parseEnumLabels(type: string): string[] | null {
  let sig;
  try {
    sig = significant(tokenize(type.trim(), 'mysql'));
  } catch {
    return null;
  }
  if (!isWord(sig[0]?.token, 'ENUM') || !isPunct(sig[1]?.token, '(') || !isPunct(sig[sig.length - 1]?.token, ')')) return null;
  const labels: string[] = [];
  for (let k = 2; k < sig.length - 1; k++) {
    const t = sig[k].token;
    if (t.kind !== 'string') return null;
    labels.push(t.value);
    if (!isPunct(sig[k + 1]?.token, ',') && k + 1 !== sig.length - 1) return null;
    k++;
  }
  return labels;
}

export function mysqlEnumType(labels: string[]): string {
  return `enum(${labels.map((l) => stringLiteral(l, 'mysql')).join(',')})`;
}

export function postgresEnumLabels(labels: string[]): string {
  return labels.map((l) => stringLiteral(l, 'postgres')).join(', ');
}
