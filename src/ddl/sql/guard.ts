/**
 * SQL text from a snapshot is spliced into statements (a PostgreSQL column type or default, an
 * index definition, MySQL's SHOW CREATE TABLE). A snapshot is input like any other: each such
 * text must be one fragment, so a damaged or crafted manifest cannot end the statement and run
 * another (the drivers accept several statements per call).
 */
import type { Family } from '../../db/types.js';
import { DdlError } from '../errors.js';
import { tokenize } from './tokens.js';

export function assertFragment(text: string, family: Family, what: string): string {
  const tokens = tokenize(text, family);
  for (const t of tokens) {
    const executable = t.kind === 'comment' && t.text.startsWith('/*!');
    if ((t.kind === 'punct' && t.text === ';') || (executable && t.text.includes(';'))) {
      throw new DdlError('manifest_invalid', `The snapshot's ${what} holds more than one SQL statement: ${JSON.stringify(text.slice(0, 120))}. Refusing to run it.`, { what });
    }
  }
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')' && --depth < 0) break;
  }
  if (depth !== 0) {
    throw new DdlError('manifest_invalid', `The snapshot's ${what} has unbalanced parentheses: ${JSON.stringify(text.slice(0, 120))}. Refusing to run it.`, { what });
  }
  return text;
}
