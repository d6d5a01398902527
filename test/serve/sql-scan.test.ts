/** Recognising COPY … FROM STDIN in client SQL, by PostgreSQL's lexical rules. */
import { describe, expect, it } from 'vitest';
import { codeStatements, copyFromStdinStatement } from '../../src/serve/sql-scan.js';

describe('copyFromStdinStatement', () => {
  it.each([
    'COPY t FROM STDIN',
    'copy t from stdin',
    'COPY "my table" (a, b) FROM stdin WITH (FORMAT csv)',
    '  COPY s.t FROM\n  STDIN;',
    'BEGIN; COPY t FROM STDIN; COMMIT',
    '/* load */ COPY t FROM STDIN',
    'COPY t FROM -- the client\n STDIN',
    "COPY t FROM STDIN WITH (DELIMITER ';')",
    'COPY t FROM STDIN BINARY',
  ])('finds %j', (sql) => {
    expect(copyFromStdinStatement(sql)).not.toBeNull();
  });

  it.each([
    'SELECT 1',
    'COPY t TO STDOUT',
    'COPY (SELECT 1) TO STDOUT',
    "COPY t FROM '/tmp/file.csv'",
    "SELECT 'COPY t FROM STDIN'",
    "SELECT E'it\\'s; COPY t FROM STDIN'",
    'SELECT $$COPY t FROM STDIN$$',
    'SELECT $body$ ; COPY t FROM STDIN; $body$',
    'SELECT "copy from stdin" FROM t',
    '-- COPY t FROM STDIN\nSELECT 1',
    '/* COPY t FROM STDIN /* nested */ still a comment */ SELECT 1',
    'INSERT INTO t (note) VALUES (\'copy from stdin\')',
    'SELECT stdin FROM copy',
  ])('ignores %j', (sql) => {
    expect(copyFromStdinStatement(sql)).toBeNull();
  });

  it('returns the offending statement, literals blanked', () => {
    expect(copyFromStdinStatement("SELECT 'x'; COPY t FROM STDIN WITH (DELIMITER ';'); SELECT 2")).toBe('COPY t FROM STDIN WITH (DELIMITER  )');
  });
});

describe('codeStatements', () => {
  it('splits on semicolons outside literals and comments', () => {
    expect(codeStatements("SELECT ';'; SELECT $$;$$; -- ;\nSELECT $1::int")).toEqual(['SELECT  ', ' SELECT  ', '  SELECT $1::int']);
  });

  it('keeps a standard string\'s backslash literal (standard_conforming_strings)', () => {
    // 'a\' is a complete literal; the statement after it is code.
    expect(codeStatements("SELECT 'a\\'; COPY t FROM STDIN")).toEqual(['SELECT  ', ' COPY t FROM STDIN']);
  });

  it('treats an unterminated literal as running to the end', () => {
    expect(codeStatements("SELECT 'oops; COPY t FROM STDIN")).toEqual(['SELECT  ']);
  });
});
