/** The wire-protocol rewrite that keeps COPY FROM STDIN from reaching PGlite (PostgreSQL protocol v3 message formats). */
import { describe, expect, it } from 'vitest';
import { guardMessage, REFUSAL_SQL } from '../../src/serve/copy-guard.js';

const cstr = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
function message(type: string, body: Buffer): Uint8Array {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return new Uint8Array(Buffer.concat([head, body]));
}
const query = (sql: string) => message('Q', cstr(sql));
function parse(name: string, sql: string, oids: number[]): Uint8Array {
  const n = Buffer.alloc(2 + 4 * oids.length);
  n.writeInt16BE(oids.length, 0);
  oids.forEach((o, i) => n.writeInt32BE(o, 2 + 4 * i));
  return message('P', Buffer.concat([cstr(name), cstr(sql), n]));
}
const text = (m: Uint8Array) => Buffer.from(m);

describe('guardMessage', () => {
  it('passes every other message through untouched (the same bytes)', () => {
    for (const m of [query('SELECT 1'), query('COPY t TO STDOUT'), parse('s1', 'SELECT $1', [23]), message('d', Buffer.from('1\n')), message('S', Buffer.alloc(0))]) {
      expect(guardMessage(m)).toBe(m);
    }
  });

  it('replaces a Query holding COPY FROM STDIN by one running the refusal', () => {
    const seen: string[] = [];
    const out = guardMessage(query('BEGIN; COPY t FROM STDIN'), (sql) => seen.push(sql));
    expect(text(out)).toEqual(text(query(REFUSAL_SQL)));
    expect(seen).toEqual(['BEGIN; COPY t FROM STDIN']);
  });

  it('replaces the SQL of a Parse, keeping the statement name and dropping parameter types', () => {
    const out = guardMessage(parse('stmt_7', 'copy t from stdin', [23, 25]));
    expect(text(out)).toEqual(text(parse('stmt_7', REFUSAL_SQL, [])));
    expect(text(guardMessage(parse('', 'COPY t FROM STDIN', [])))).toEqual(text(parse('', REFUSAL_SQL, [])));
  });

  it('leaves malformed messages to PGlite', () => {
    const truncated = query('COPY t FROM STDIN').slice(0, 10);
    expect(guardMessage(truncated)).toBe(truncated);
  });

  it('refuses in words a user can act on, with SQLSTATE feature_not_supported', () => {
    expect(REFUSAL_SQL).toContain("ERRCODE = 'feature_not_supported'");
    expect(REFUSAL_SQL).toMatch(/MESSAGE = 'COPY FROM STDIN is not supported by dj-serve/);
    expect(REFUSAL_SQL).toMatch(/HINT = '.*INSERT/);
  });
});
