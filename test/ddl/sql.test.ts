/**
 * The SQL text tools the DDL compiler rewrites with: a lossless tokenizer and schema renaming
 * that touches identifiers only, never string literals or comments.
 */
import { describe, expect, it } from 'vitest';
import { DdlError } from '../../src/ddl/index.js';
import { parseQualifiedName, qualifyMysqlCreateTable, renameInSql } from '../../src/ddl/sql/names.js';
import { render, tokenize } from '../../src/ddl/sql/tokens.js';

describe('tokenize', () => {
  const mysql = "CREATE TABLE `a``b` (`x` int COMMENT 'it''s \\'q\\' `not` \"ident\"', # line\n y -- c\n /*!50100 PARTITION */ \"dq\")";
  const pg = `SELECT "A""b", 'it''s', E'a\\'b', $t$ body 'x' $t$, /* outer /* inner */ still */ x::regclass -- end`;

  it('gives back the input byte for byte', () => {
    expect(render(tokenize(mysql, 'mysql'))).toBe(mysql);
    expect(render(tokenize(pg, 'postgres'))).toBe(pg);
  });

  it('decodes quoted identifiers and literals per family', () => {
    const my = tokenize(mysql, 'mysql').filter((t) => t.kind !== 'space');
    expect(my.find((t) => t.kind === 'quoted')!.value).toBe('a`b');
    expect(my.filter((t) => t.kind === 'string').map((t) => t.value)).toEqual(["it's 'q' `not` \"ident\"", 'dq']);
    expect(my.filter((t) => t.kind === 'comment').map((t) => t.text)).toEqual(['# line', '-- c', '/*!50100 PARTITION */']);
    const p = tokenize(pg, 'postgres').filter((t) => t.kind !== 'space');
    expect(p.filter((t) => t.kind === 'quoted').map((t) => t.value)).toEqual(['A"b']);
    expect(p.filter((t) => t.kind === 'string').map((t) => t.value)).toEqual(["it's", "a'b", " body 'x' "]);
    expect(p.filter((t) => t.kind === 'comment').map((t) => t.text)).toEqual(['/* outer /* inner */ still */', '-- end']);
    expect(p.some((t) => t.kind === 'punct' && t.text === '::')).toBe(true);
  });

  it('refuses unterminated quotes and comments with a clear error', () => {
    for (const [sql, family] of [["'abc", 'mysql'], ['`abc', 'mysql'], ['"abc', 'postgres'], ['/* x', 'postgres'], ['$a$ x', 'postgres']] as const) {
      let err: unknown;
      try {
        tokenize(sql, family);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DdlError);
      expect((err as DdlError).code).toBe('sql_unparsable');
    }
  });
});

describe('renameInSql', () => {
  const rename = new Map([['lab', 'lab2'], ['Mixed', 'new']]);

  it('rewrites schema qualifiers of types, casts and objects', () => {
    expect(renameInSql('lab.enum_1a2b3c4d', 'postgres', rename)).toBe('"lab2".enum_1a2b3c4d');
    expect(renameInSql('"lab"."enum_1a2b3c4d"[]', 'postgres', rename)).toBe('"lab2"."enum_1a2b3c4d"[]');
    expect(renameInSql("'mouse'::lab.enum_5b274632", 'postgres', rename)).toBe(`'mouse'::"lab2".enum_5b274632`);
    expect(renameInSql('CREATE INDEX i ON lab."#t" USING btree (a)', 'postgres', rename)).toBe('CREATE INDEX i ON "lab2"."#t" USING btree (a)');
    // PostgreSQL folds unquoted names; a quoted name is exact.
    expect(renameInSql('LAB.t', 'postgres', rename)).toBe('"lab2".t');
    expect(renameInSql('"Mixed".t, mixed.t', 'postgres', rename)).toBe('"new".t, mixed.t');
  });

  it('rewrites the object name inside a regclass literal, which the server parses as a name', () => {
    expect(renameInSql("nextval('lab.t_id_seq'::regclass)", 'postgres', rename)).toBe(`nextval('"lab2".t_id_seq'::regclass)`);
    expect(renameInSql(`nextval('"lab"."T_seq"'::regclass)`, 'postgres', rename)).toBe(`nextval('"lab2"."T_seq"'::regclass)`);
    expect(renameInSql("nextval('t_id_seq'::regclass)", 'postgres', rename)).toBe("nextval('t_id_seq'::regclass)");
  });

  it('leaves string literals, comments and unqualified names alone', () => {
    for (const sql of ["'lab.x'::character varying", "'see lab.subject'", '/* lab.x */ 1', '-- lab.x', 'lab', 'x.lab.y']) {
      expect(renameInSql(sql, 'postgres', rename)).toBe(sql);
    }
    expect(renameInSql("`lab`.`t` COMMENT 'in `lab`.`t`'", 'mysql', rename)).toBe("`lab2`.`t` COMMENT 'in `lab`.`t`'");
  });
});

describe('qualifyMysqlCreateTable', () => {
  const createSql = [
    'CREATE TABLE `session` (',
    "  `subject_id` int(11) NOT NULL COMMENT 'see REFERENCES `subject` in lab',",
    "  `note` varchar(20) NOT NULL DEFAULT 'lab.x',",
    '  PRIMARY KEY (`subject_id`),',
    '  CONSTRAINT `session_ibfk_1` FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE,',
    '  CONSTRAINT `session_ibfk_2` FOREIGN KEY (`subject_id`) REFERENCES `other` (`subject_id`) ON UPDATE CASCADE',
    ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
  ].join('\n');

  it('qualifies the table and same-schema references with the target schema and renames others', () => {
    const out = qualifyMysqlCreateTable(createSql, 'exp2', new Map([['lab', 'lab2']]));
    expect(out).toBe(createSql
      .replace('CREATE TABLE `session`', 'CREATE TABLE `exp2`.`session`')
      .replace('REFERENCES `lab`.`subject`', 'REFERENCES `lab2`.`subject`')
      .replace('REFERENCES `other`', 'REFERENCES `exp2`.`other`'));
  });

  it('refuses text that is not a CREATE TABLE', () => {
    expect(() => qualifyMysqlCreateTable('DROP TABLE `x`', 'a', new Map())).toThrow(DdlError);
  });
});

describe('parseQualifiedName', () => {
  it('splits schema, name and suffix', () => {
    expect(parseQualifiedName('dj_test1.enum_5b274632', 'postgres')).toEqual({ schema: 'dj_test1', name: 'enum_5b274632', rest: '' });
    expect(parseQualifiedName('"My S"."e"[]', 'postgres')).toEqual({ schema: 'My S', name: 'e', rest: '[]' });
    expect(parseQualifiedName('enum_x', 'postgres')).toEqual({ schema: null, name: 'enum_x', rest: '' });
  });
});
