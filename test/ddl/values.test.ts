/**
 * Defaults and enumerations across families: parsing what each catalog prints, writing it the
 * way DataJoint writes it, and DataJoint's PostgreSQL enum type names.
 */
import { describe, expect, it } from 'vitest';
import {
  parseMysqlCatalogDefault, parsePostgresDefault, renderDefault, type DefaultValue,
} from '../../src/ddl/defaults.js';
import { compareCodePoints, mysqlEnumType, parseEnumLabels, postgresEnumTypeName } from '../../src/ddl/enums.js';
import { parseMysqlCreateColumns } from '../../src/ddl/mysql-create.js';

describe('PostgreSQL enum type names', () => {
  it('are the names DataJoint 2.3.2 created in the postgres-dj2 corpus', () => {
    // Names and label lists as pg_dump shows them in corpus/postgres-dj2/dump.sql.gz.
    expect(postgresEnumTypeName(['M', 'F'])).toBe('enum_724cdf44');
    expect(postgresEnumTypeName(['mouse', 'monkey', 'human'])).toBe('enum_5b274632');
    expect(postgresEnumTypeName(['M', 'F', 'U'])).toBe('enum_e54fc739');
    expect(postgresEnumTypeName(['F', 'M', 'U'])).toBe('enum_e54fc739');
    expect(postgresEnumTypeName(['Spring', 'Summer', 'Fall'])).toBe('enum_eef550bc');
    expect(postgresEnumTypeName(['in_training', 'trained_1a', 'trained_1b', 'ready4ephys'])).toBe('enum_02b41599');
  });

  it('sort labels by code point as Python does', () => {
    // U+FF5E (BMP) sorts before U+1F600 (astral) by code point, after it by UTF-16 unit.
    expect(['\u{1F600}', '\uFF5E'].sort(compareCodePoints)).toEqual(['\uFF5E', '\u{1F600}']);
  });
});

describe('enum labels', () => {
  it('are read from a MySQL column type with its escapes', () => {
    expect(parseEnumLabels("enum('a''b','c,d','e\\\\f','g\"h')")).toEqual(["a'b", 'c,d', 'e\\f', 'g"h']);
    expect(parseEnumLabels("enum('M', 'F')")).toEqual(['M', 'F']);
    expect(parseEnumLabels('varchar(3)')).toBeNull();
  });

  it('are written back so MySQL reads the same labels', () => {
    expect(mysqlEnumType(["a'b", 'c,d', 'e\\f'])).toBe("enum('a''b','c,d','e\\\\f')");
  });
});

describe('defaults from a MySQL SHOW CREATE TABLE', () => {
  // MariaDB 10.11 output (numbers unquoted) and MySQL 8 output (numbers quoted, expression defaults in parentheses).
  const createSql = `CREATE TABLE \`t\` (
  \`a\` int(11) NOT NULL DEFAULT 5,
  \`b\` varchar(10) NOT NULL DEFAULT 'x''y',
  \`c\` varchar(10) DEFAULT NULL,
  \`d\` datetime(3) NOT NULL DEFAULT current_timestamp(3),
  \`e\` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  \`f\` decimal(5,2) NOT NULL DEFAULT '-1.50',
  \`g\` int NOT NULL DEFAULT -3,
  \`h\` binary(16) NOT NULL DEFAULT (uuid_to_bin(uuid())),
  \`i\` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(\`i\`)),
  \`j\` int GENERATED ALWAYS AS (\`a\` + 1) VIRTUAL,
  \`k\` text DEFAULT ('abc'),
  \`l\` tinyint NOT NULL DEFAULT TRUE,
  PRIMARY KEY (\`a\`),
  KEY \`b\` (\`b\`)
) ENGINE=InnoDB`;
  const cols = parseMysqlCreateColumns(createSql);

  it('reads every column clause', () => {
    const d = (name: string) => cols.get(name)!.default;
    expect(d('a')).toEqual({ kind: 'literal', value: '5' });
    expect(d('b')).toEqual({ kind: 'literal', value: "x'y" });
    expect(d('c')).toEqual({ kind: 'null' });
    expect(d('d')).toEqual({ kind: 'now', fsp: 3 });
    expect(d('e')).toEqual({ kind: 'now', fsp: 0 });
    expect(cols.get('e')!.onUpdate).toBe('CURRENT_TIMESTAMP');
    expect(d('f')).toEqual({ kind: 'literal', value: '-1.50' });
    expect(d('g')).toEqual({ kind: 'literal', value: '-3' });
    expect(d('h')).toEqual({ kind: 'expression', text: '(uuid_to_bin(uuid()))' });
    expect(cols.get('i')!.check).toBe('(json_valid(`i`))');
    expect(cols.get('j')!.generated).toBe(true);
    expect(d('k')).toEqual({ kind: 'literal', value: 'abc' });
    expect(d('l')).toEqual({ kind: 'bool', value: true });
    expect([...cols.keys()]).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
  });

  it('falls back to COLUMN_DEFAULT in either server dialect', () => {
    expect(parseMysqlCatalogDefault("'abc'", '')).toEqual({ kind: 'literal', value: 'abc' });
    expect(parseMysqlCatalogDefault('abc', '')).toEqual({ kind: 'literal', value: 'abc' });
    expect(parseMysqlCatalogDefault('CURRENT_TIMESTAMP(3)', 'DEFAULT_GENERATED')).toEqual({ kind: 'now', fsp: 3 });
    expect(parseMysqlCatalogDefault(null, '')).toBeNull();
  });
});

describe('defaults from PostgreSQL expressions', () => {
  it('reads constants through their casts', () => {
    const cases: [string, DefaultValue][] = [
      ["''::character varying", { kind: 'literal', value: '' }],
      ["'mouse'::dj_test1.enum_5b274632", { kind: 'literal', value: 'mouse' }],
      ["'-1'::integer", { kind: 'literal', value: '-1' }],
      ['(-1)', { kind: 'literal', value: '-1' }],
      ['1.250', { kind: 'literal', value: '1.250' }],
      ["'2020-01-02'::date", { kind: 'literal', value: '2020-01-02' }],
      ["'ab''c'::bpchar", { kind: 'literal', value: "ab'c" }],
      ["'x'::character varying(10)", { kind: 'literal', value: 'x' }],
      ["'{}'::text[]", { kind: 'literal', value: '{}' }],
      ['true', { kind: 'bool', value: true }],
      ['NULL::character varying', { kind: 'null' }],
      ['CURRENT_TIMESTAMP', { kind: 'now', fsp: null }],
      ['CURRENT_TIMESTAMP(3)', { kind: 'now', fsp: 3 }],
      ['now()', { kind: 'now', fsp: null }],
      ["nextval('s.t_id_seq'::regclass)", { kind: 'expression', text: "nextval('s.t_id_seq'::regclass)" }],
      ["('a'::text || 'b'::text)", { kind: 'expression', text: "('a'::text || 'b'::text)" }],
    ];
    for (const [text, want] of cases) expect([text, parsePostgresDefault(text)]).toEqual([text, want]);
  });
});

describe('renderDefault', () => {
  it('writes literals, booleans and CURRENT_TIMESTAMP as DataJoint does on each backend', () => {
    expect(renderDefault({ kind: 'literal', value: "it's \\" }, { family: 'mysql', kind: 'string' })).toEqual({ sql: "'it''s \\\\'" });
    expect(renderDefault({ kind: 'literal', value: "it's \\" }, { family: 'postgres', kind: 'string' })).toEqual({ sql: "'it''s \\'" });
    expect(renderDefault({ kind: 'literal', value: '1' }, { family: 'postgres', kind: 'bool' })).toEqual({ sql: 'TRUE' });
    expect(renderDefault({ kind: 'bool', value: false }, { family: 'mysql', kind: 'bool' })).toEqual({ sql: '0' });
    expect(renderDefault({ kind: 'literal', value: 'maybe' }, { family: 'postgres', kind: 'bool' }).problem).toMatch(/not a boolean/);
    expect(renderDefault({ kind: 'literal', value: '5' }, { family: 'postgres', kind: 'int32' })).toEqual({ sql: "'5'" });
    // MySQL requires the default's precision to match the column's.
    expect(renderDefault({ kind: 'now', fsp: null }, { family: 'mysql', kind: 'datetime', fsp: 3 })).toEqual({ sql: 'CURRENT_TIMESTAMP(3)' });
    expect(renderDefault({ kind: 'now', fsp: 3 }, { family: 'postgres', kind: 'datetime', fsp: 3 })).toEqual({ sql: 'CURRENT_TIMESTAMP(3)' });
    expect(renderDefault({ kind: 'now', fsp: 0 }, { family: 'postgres', kind: 'datetime', fsp: 6 })).toEqual({ sql: 'CURRENT_TIMESTAMP' });
    // MySQL 8 takes a TEXT/BLOB/JSON default only as an expression.
    expect(renderDefault({ kind: 'literal', value: 'a' }, { family: 'mysql', kind: 'string', textLike: true, flavor: 'mysql' })).toEqual({ sql: "('a')" });
    expect(renderDefault({ kind: 'literal', value: 'a' }, { family: 'mysql', kind: 'string', textLike: true, flavor: 'mariadb' })).toEqual({ sql: "'a'" });
  });

  it('reports what it cannot carry', () => {
    expect(renderDefault({ kind: 'expression', text: 'gen_random_uuid()' }, { family: 'mysql', kind: 'bytes' }))
      .toEqual({ sql: null, problem: 'default expression gen_random_uuid() has no translation for MySQL; dropped' });
    expect(renderDefault({ kind: 'literal', value: '0000-00-00 00:00:00' }, { family: 'postgres', kind: 'datetime' }).problem).toMatch(/zero date/);
    expect(renderDefault({ kind: 'now', fsp: null }, { family: 'postgres', kind: 'date' }).problem).toMatch(/not a datetime/);
  });
});
