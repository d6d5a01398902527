/** The test-only dump and tar readers used by the corpus test. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseBytea, readDump, readMysqlDump, readPgDump, readTar, splitPgName, unescapeCopyField } from './dump-reader.js';

const mysql = `-- MariaDB dump 10.19
USE \`dj_a\`;
CREATE TABLE \`t\` (
  \`id\` int(11) NOT NULL,
  \`data\` longblob DEFAULT NULL COMMENT ':<blob>:a ''quoted'' note',
  \`name\` varchar(20) NOT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB;
INSERT INTO \`t\` VALUES
(1,0x6D596D00,'it''s'),
(2,NULL,'a\\\\b\\n(c),'),
(-3,'','x');
USE \`dj_b\`;
CREATE TABLE \`t\` (
  \`k\` bigint(20) unsigned NOT NULL
) ENGINE=InnoDB;
INSERT INTO \`t\` VALUES (18446744073709551615),(0);
`;

const pg = `--
-- PostgreSQL database dump
--
CREATE TABLE dj_a."#t" (
    id integer NOT NULL,
    data bytea,
    "select" character varying(10) NOT NULL
);
COMMENT ON COLUMN dj_a."#t".data IS ':<blob>:it''s';
COPY dj_a."#t" (id, "select", data) FROM stdin;
1\ta\\tb\t\\\\x6d596d00
2\t\\N\t\\N
\\.
`;

describe('mysqldump reader', () => {
  it('reads tables per database, comments, and values', () => {
    const tables = readMysqlDump(mysql);
    expect(tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['dj_a.t', 'dj_b.t']);
    const [t, u] = tables;
    expect(t.columns).toEqual([
      { name: 'id', sqlType: 'int(11)', comment: null },
      { name: 'data', sqlType: 'longblob', comment: ":<blob>:a 'quoted' note" },
      { name: 'name', sqlType: 'varchar(20)', comment: null },
    ]);
    expect(t.rows).toEqual([
      ['1', Buffer.from([0x6d, 0x59, 0x6d, 0x00]), "it's"],
      ['2', null, 'a\\b\n(c),'],
      ['-3', '', 'x'],
    ]);
    expect(u.columns[0].sqlType).toBe('bigint(20) unsigned');
    expect(u.rows).toEqual([['18446744073709551615'], ['0']]);
  });

  it('refuses rows that do not match the columns', () => {
    expect(() => readMysqlDump(mysql.replace("(-3,'','x')", "(-3,'')"))).toThrow(/2 values for 3 columns/);
  });
});

describe('pg_dump reader', () => {
  it('reads quoted names, comments, COPY rows in any column order, and hex bytea', () => {
    const [t] = readPgDump(pg);
    expect([t.schema, t.name]).toEqual(['dj_a', '#t']);
    expect(t.columns.map((c) => [c.name, c.comment])).toEqual([['id', null], ['data', ":<blob>:it's"], ['select', null]]);
    expect(t.rows).toEqual([['1', Buffer.from([0x6d, 0x59, 0x6d, 0x00]), 'a\tb'], ['2', null, null]]);
  });

  it('helpers', () => {
    expect(splitPgName('a."B ""c""".Dd')).toEqual(['a', 'B "c"', 'dd']);
    expect(unescapeCopyField('\\N')).toBeNull();
    expect(unescapeCopyField('x\\\\y\\n\\101\\x42')).toBe('x\\y\nAB');
    expect(Array.from(parseBytea('\\x00ff'))).toEqual([0, 255]);
  });

  it('tells the flavours apart, gzipped or not', () => {
    expect(readDump(gzipSync(Buffer.from(pg))).flavour).toBe('postgres');
    expect(readDump(Buffer.from(mysql)).flavour).toBe('mysql');
  });
});

describe('tar reader', () => {
  /** One ustar header block + data, as GNU tar writes them. */
  function entry(name: string, data: Uint8Array, type = '0'): Buffer {
    const h = Buffer.alloc(512);
    h.write(name.slice(0, 100), 0, 'utf8');
    h.write('0000644\0', 100);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write(type, 156);
    h.write('ustar  \0', 257);
    h.write('        ', 148);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    return Buffer.concat([h, Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512)]);
  }

  it('reads files, skips directories, follows GNU long names', () => {
    const long = `./main/_hash/${'s'.repeat(120)}/abc`;
    const tar = Buffer.concat([
      entry('./', new Uint8Array(0), '5'),
      entry('./main/x', Buffer.from('hello')),
      entry('././@LongLink', Buffer.from(long + '\0'), 'L'),
      entry(long.slice(0, 100), Buffer.from([1, 2, 3])),
      Buffer.alloc(1024),
    ]);
    const files = readTar(gzipSync(tar));
    expect([...files.keys()]).toEqual(['main/x', long.slice(2)]);
    expect(Buffer.from(files.get('main/x')!).toString()).toBe('hello');
    expect(Array.from(files.get(long.slice(2))!)).toEqual([1, 2, 3]);
  });
});
