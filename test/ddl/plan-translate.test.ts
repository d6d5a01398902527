/**
 * planDdl across families, on hand-written manifests. Expected DDL follows DataJoint 2.3.2's
 * adapters (reference §1.5, §2.1, §2.4, §5.1): core types and codecs per backend, comments
 * inline (MySQL) or COMMENT ON for attributes only (PostgreSQL), foreign-key columns typed and
 * commented from their parent, hidden columns and `~lineage` as DataJoint declares them,
 * PostgreSQL enum types and index names (no FK support indexes, as in DataJoint 2.3.2), and the lossy report.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/catalog/model.js';
import type { Family } from '../../src/db/types.js';
import { DdlError, planDdl, type DdlPlan } from '../../src/ddl/index.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import { column, fk, schema, table } from './build.js';

const my = (name: string, sqlType: string, spec = {}) => column('mysql', name, sqlType, spec);
const pg = (name: string, sqlType: string, spec = {}) => column('postgres', name, sqlType, spec);

function plan(manifests: SchemaManifest[], source: Family, target: Family, rename = new Map<string, string>()): DdlPlan {
  return planDdl(manifests, {
    sourceFamily: source, targetFamily: target, targetFlavor: target === 'mysql' ? 'mysql' : 'postgres', rename,
  });
}

/** DataJoint's enum type name, computed here from the spec: md5 of the sorted labels joined by "_". */
function enumType(labels: string[]): string {
  return 'enum_' + createHash('md5').update([...labels].sort().join('_')).digest('hex').slice(0, 8);
}

// Every core type and the built-in codecs, each as DataJoint declares it on MySQL and on PostgreSQL
// (adapters/mysql.py and adapters/postgres.py CORE_TYPE_MAP and core_type_to_sql; codecs by storage).
const CORE: { dj: string; mysql: [string, string]; postgres: [string, string] }[] = [
  { dj: 'int8', mysql: ['tinyint', 'tinyint'], postgres: ['smallint', 'smallint'] },
  { dj: 'int16', mysql: ['smallint', 'smallint'], postgres: ['smallint', 'smallint'] },
  { dj: 'int32', mysql: ['int', 'int'], postgres: ['integer', 'integer'] },
  { dj: 'int64', mysql: ['bigint', 'bigint'], postgres: ['bigint', 'bigint'] },
  { dj: 'float32', mysql: ['float', 'float'], postgres: ['real', 'real'] },
  { dj: 'float64', mysql: ['double', 'double'], postgres: ['double precision', 'double precision'] },
  { dj: 'bool', mysql: ['tinyint', 'tinyint'], postgres: ['boolean', 'boolean'] },
  { dj: 'uuid', mysql: ['binary(16)', 'binary'], postgres: ['uuid', 'uuid'] },
  { dj: 'json', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
  { dj: 'bytes', mysql: ['longblob', 'longblob'], postgres: ['bytea', 'bytea'] },
  { dj: 'date', mysql: ['date', 'date'], postgres: ['date', 'date'] },
  { dj: 'datetime', mysql: ['datetime', 'datetime'], postgres: ['timestamp', 'timestamp without time zone'] },
  { dj: 'datetime(3)', mysql: ['datetime(3)', 'datetime'], postgres: ['timestamp(3)', 'timestamp without time zone'] },
  { dj: 'char(4)', mysql: ['char(4)', 'char'], postgres: ['char(4)', 'character'] },
  { dj: 'varchar(20)', mysql: ['varchar(20)', 'varchar'], postgres: ['varchar(20)', 'character varying'] },
  { dj: 'decimal(8,3)', mysql: ['decimal(8,3)', 'decimal'], postgres: ['numeric(8,3)', 'numeric'] },
  { dj: '<blob>', mysql: ['longblob', 'longblob'], postgres: ['bytea', 'bytea'] },
  { dj: '<attach>', mysql: ['longblob', 'longblob'], postgres: ['bytea', 'bytea'] },
  { dj: '<blob@main>', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
  { dj: '<attach@>', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
  { dj: '<hash@s>', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
  { dj: '<object@s>', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
  { dj: '<npy@s>', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
  { dj: '<filepath@s>', mysql: ['json', 'json'], postgres: ['jsonb', 'jsonb'] },
];

function coreTable(family: Family): SchemaManifest {
  const cols: Column[] = [column(family, 'id', family === 'mysql' ? 'int' : 'integer', { comment: ':int32:' })];
  CORE.forEach((c, i) => {
    const [sqlType, dataType] = c[family];
    cols.push(column(family, `c${i}`, sqlType, { dataType, comment: `:${c.dj}:note ${i}`, nullable: true }));
  });
  // A custom codec is carried by its storage.
  cols.push(column(family, 'graph', family === 'mysql' ? 'longblob' : 'bytea', { comment: ':<graph>:' , nullable: true }));
  cols.push(column(family, 'meta', family === 'mysql' ? 'json' : 'jsonb', { comment: ':<layout@s>:', nullable: true }));
  return schema('lab', [table('all_types', cols)]);
}

describe.each([['mysql', 'postgres'], ['postgres', 'mysql']] as const)('%s → %s', (source, target) => {
  it('declares every core type and codec the target way, keeping DataJoint types and value kinds', () => {
    const manifests = [coreTable(source)];
    const p = plan(manifests, source, target);
    // PostgreSQL's `datetime` is timestamp (6 digits), MySQL's keeps whole seconds: data-dependent.
    expect(p.lossy.map((l) => [l.column, l.condition])).toEqual(source === 'postgres'
      ? [['c11', { kind: 'fractional-seconds', digits: 0 }]] : []);
    const got = p.tables[0].columns;
    const src = manifests[0].tables[0].columns;
    const want = ['id', ...CORE.map((c) => c[target][0]), 'graph', 'meta'];
    want[0] = target === 'mysql' ? 'int' : 'integer';
    want[CORE.length + 1] = target === 'mysql' ? 'longblob' : 'bytea';
    want[CORE.length + 2] = target === 'mysql' ? 'json' : 'jsonb';
    expect(got.map((c) => c.sqlType)).toEqual(want);
    expect(got.map((c) => c.kind)).toEqual(src.map((c) => c.kind));
    const sql = p.tables[0].create.join('\n');
    if (target === 'mysql') {
      expect(sql).toContain("`c0` tinyint DEFAULT NULL COMMENT ':int8:note 0'");
      expect(sql).toContain("`c18` json DEFAULT NULL COMMENT ':<blob@main>:note 18'");
      expect(sql).toMatch(/\) ENGINE=InnoDB$/);
    } else {
      expect(sql).toContain('"c0" smallint DEFAULT NULL');
      expect(sql).toContain(`COMMENT ON COLUMN "lab"."all_types"."c0" IS ':int8:note 0'`);
      expect(sql).toContain(`COMMENT ON COLUMN "lab"."all_types"."c18" IS ':<blob@main>:note 18'`);
    }
  });
});

describe('MySQL → PostgreSQL', () => {
  const lab = schema('lab', [
    table('#rig', [my('rig', "enum('b','a')", { comment: ":enum('b','a'):which rig" })]),
    table('#operator', [my('op', 'binary(16)', { comment: ':uuid:operator id' })]),
    table('subject', [
      my('subject_id', 'int', { comment: ':int32:subject id' }),
      my('sex', "enum('F','M','U')", { comment: ":enum('F','M','U'):", default: "'U'" }),
      my('born', 'datetime(3)', { comment: ':datetime(3):', default: 'current_timestamp(3)' }),
      my('alive', 'tinyint', { comment: ':bool:', default: '1' }),
      my('note', 'varchar(50)', { comment: ':varchar(50):says "hi"', default: "'it''s'" }),
      my('w', 'float', { comment: ':float32:', nullable: true, default: 'NULL' }),
    ], {
      comment: 'subjects of lab',
      createSql: "CREATE TABLE `subject` (\n  `subject_id` int(11) NOT NULL COMMENT ':int32:subject id',\n  `sex` enum('F','M','U') NOT NULL DEFAULT 'U' COMMENT ':enum(''F'',''M'',''U''):',\n  `born` datetime(3) NOT NULL DEFAULT current_timestamp(3) COMMENT ':datetime(3):',\n  `alive` tinyint(4) NOT NULL DEFAULT 1 COMMENT ':bool:',\n  `note` varchar(50) NOT NULL DEFAULT 'it''s' COMMENT ':varchar(50):says \"hi\"',\n  `w` float DEFAULT NULL COMMENT ':float32:',\n  PRIMARY KEY (`subject_id`)\n) ENGINE=InnoDB COMMENT='subjects of lab'",
    }),
  ]);
  const exp = schema('exp', [
    table('session', [
      my('subject_id', 'int', { comment: 'subject id', inherited: 'int32' }),
      my('session', 'smallint', { comment: ':int16:' }),
      my('rig', "enum('b','a')", { comment: 'which rig', inherited: "enum('b','a')" }),
      my('op', 'binary(16)', { comment: ':uuid:operator id', nullable: true }),
      my('started', 'datetime(3)', { comment: ':datetime(3):' }),
    ], {
      primaryKey: ['subject_id', 'session'],
      foreignKeys: [fk(['subject_id'], 'lab', 'subject'), fk(['rig'], 'lab', '#rig'), fk(['op'], 'lab', '#operator')],
      indexes: [
        { name: 'rig', unique: false, columns: ['rig'] },
        { name: 'op', unique: false, columns: ['op'] },
        { name: 'started', unique: true, columns: ['started', 'rig'] },
      ],
    }),
    table('session__epoch', [
      my('subject_id', 'int', { comment: 'subject id', inherited: 'int32' }),
      my('session', 'smallint', { comment: '', inherited: 'int16' }),
      my('started', 'datetime(3)', { comment: '', inherited: 'datetime(3)' }),
    ], {
      primaryKey: ['subject_id', 'session'],
      foreignKeys: [fk(['subject_id', 'session'], 'exp', 'session'), fk(['started'], 'exp', 'session', ['started'])],
    }),
  ]);

  it('declares the tables as DataJoint does on PostgreSQL', () => {
    const p = plan([lab, exp], 'mysql', 'postgres', new Map([['lab', 'lab2']]));
    const rigType = `"lab2"."${enumType(['a', 'b'])}"`;
    const sexType = `"lab2"."${enumType(['F', 'M', 'U'])}"`;
    expect(p.schemas).toEqual([
      { name: 'lab2', sourceName: 'lab', create: ['CREATE SCHEMA "lab2"', `CREATE TYPE ${rigType} AS ENUM ('b', 'a')`, `CREATE TYPE ${sexType} AS ENUM ('F', 'M', 'U')`] },
      { name: 'exp', sourceName: 'exp', create: ['CREATE SCHEMA "exp"'] },
    ]);
    expect(p.tables.find((t) => t.name === 'subject')!.create).toEqual([
      'CREATE TABLE "lab2"."subject" (\n'
        + '"subject_id" integer NOT NULL,\n'
        + `"sex" ${sexType} NOT NULL DEFAULT 'U',\n`
        + '"born" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n'
        + '"alive" boolean NOT NULL DEFAULT TRUE,\n'
        + `"note" varchar(50) NOT NULL DEFAULT 'it''s',\n`
        + '"w" real DEFAULT NULL,\n'
        + 'PRIMARY KEY ("subject_id")\n)',
      `COMMENT ON TABLE "lab2"."subject" IS 'subjects of lab'`,
      `COMMENT ON COLUMN "lab2"."subject"."subject_id" IS ':int32:subject id'`,
      `COMMENT ON COLUMN "lab2"."subject"."sex" IS ':enum(''F'',''M'',''U''):'`,
      `COMMENT ON COLUMN "lab2"."subject"."born" IS ':datetime(3):'`,
      `COMMENT ON COLUMN "lab2"."subject"."alive" IS ':bool:'`,
      // DataJoint escapes " in comments; PostgreSQL keeps the backslash.
      `COMMENT ON COLUMN "lab2"."subject"."note" IS ':varchar(50):says \\"hi\\"'`,
      `COMMENT ON COLUMN "lab2"."subject"."w" IS ':float32:'`,
    ]);
    expect(p.tables.find((t) => t.name === 'session')!.create).toEqual([
      'CREATE TABLE "exp"."session" (\n'
        + '"subject_id" integer NOT NULL,\n'
        + '"session" smallint NOT NULL,\n'
        // FK columns: the parent's type, its enum type from the parent's schema; no comment.
        + `"rig" ${rigType} NOT NULL,\n`
        + '"op" uuid,\n'
        + '"started" timestamp(3) NOT NULL,\n'
        + 'PRIMARY KEY ("subject_id", "session"),\n'
        + 'FOREIGN KEY ("subject_id") REFERENCES "lab2"."subject" ("subject_id") ON UPDATE CASCADE ON DELETE RESTRICT,\n'
        + 'FOREIGN KEY ("rig") REFERENCES "lab2"."#rig" ("rig") ON UPDATE CASCADE ON DELETE RESTRICT,\n'
        + 'FOREIGN KEY ("op") REFERENCES "lab2"."#operator" ("op") ON UPDATE CASCADE ON DELETE RESTRICT\n)',
      'CREATE UNIQUE INDEX "idx_session_started_rig" ON "exp"."session" ("started", "rig")',
      `COMMENT ON TABLE "exp"."session" IS ''`,
      `COMMENT ON COLUMN "exp"."session"."session" IS ':int16:'`,
      `COMMENT ON COLUMN "exp"."session"."started" IS ':datetime(3):'`,
    ]);
    // A child of a datetime(3) key is `timestamp without time zone`: DataJoint types FK columns
    // from the heading, which on PostgreSQL reads data_type without the precision.
    expect(p.tables.find((t) => t.name === 'session__epoch')!.create[0]).toContain('"started" timestamp without time zone NOT NULL');
    expect(p.lossy).toEqual([]);
  });

  it('declares only the declared indexes on PostgreSQL: no FK support indexes (DataJoint 2.3.2), no InnoDB-implicit ones', () => {
    const t = table('t', ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => my(n, 'int', { comment: ':int32:' })), {
      primaryKey: ['a', 'b'],
      foreignKeys: [
        fk(['a'], 'lab', 'p1'),
        fk(['c'], 'lab', 'p2'),
        fk(['c', 'd'], 'lab', 'p3'),
        fk(['e'], 'lab', 'p4'), // a unique FK: its unique index is declared
        fk(['f'], 'lab', 'p5'),
        fk(['b'], 'lab', 'p6'), // InnoDB indexed it implicitly: not a declared index
      ],
      indexes: [
        { name: 'e', unique: true, columns: ['e'] },
        { name: 'f', unique: false, columns: ['f', 'b'] },
        { name: 'b', unique: false, columns: ['b'] },
        { name: 'c', unique: false, columns: ['c', 'd'] },
      ],
    });
    const p = plan([schema('lab', [t])], 'mysql', 'postgres');
    expect(p.tables[0].create.filter((s) => s.startsWith('CREATE') && s.includes('INDEX'))).toEqual([
      'CREATE UNIQUE INDEX "idx_t_e" ON "lab"."t" ("e")',
      'CREATE INDEX "idx_t_f_b" ON "lab"."t" ("f", "b")',
    ]);
  });

  it('names indexes idx_<table>_<columns> with the columns cut to 30 characters and the name to 63 bytes', () => {
    const cols = ['first_long_column', 'second_long_column'];
    const longTable = 'a_table_name_that_is_quite_long_indeed_yes';
    const p = plan([schema('lab', [table(longTable, [my('id', 'int', { comment: ':int32:' }), ...cols.map((c) => my(c, 'int', { comment: ':int32:' }))], {
      indexes: [{ name: 'x', unique: false, columns: cols }],
    })])], 'mysql', 'postgres');
    const name = `idx_${longTable}_${cols.join('_').slice(0, 30)}`.slice(0, 63);
    expect(name).toBe('idx_a_table_name_that_is_quite_long_indeed_yes_first_long_colum');
    expect(p.tables[0].create).toContain(`CREATE INDEX "${name}" ON "lab"."${longTable}" ("first_long_column", "second_long_column")`);
  });

  it('declares hidden columns and ~lineage as DataJoint does on PostgreSQL', () => {
    const p = plan([schema('lab', [
      table('~lineage', [my('table_name', 'varchar(64)', { comment: 'table name within the schema' }), my('attribute_name', 'varchar(64)', { comment: 'attribute name' }), my('lineage', 'varchar(255)', { comment: 'origin: schema.table.attribute' })], { primaryKey: ['table_name', 'attribute_name'] }),
      table('#config', [my('_singleton', 'tinyint', { comment: ':bool:singleton primary key', default: '1' }), my('v', 'int', { comment: ':int32:' })]),
      table('__stats', [
        my('id', 'int', { comment: ':int32:' }),
        my('_job_start_time', 'datetime(3)', { nullable: true, default: 'NULL' }),
        my('_job_duration', 'float', { nullable: true, default: 'NULL' }),
        my('_job_version', 'varchar(64)', { nullable: true, default: "''" }),
      ]),
    ])], 'mysql', 'postgres');
    expect(p.tables[0].create).toEqual(['CREATE TABLE "lab"."~lineage" (\n"table_name" VARCHAR(64) NOT NULL,\n"attribute_name" VARCHAR(64) NOT NULL,\n"lineage" VARCHAR(255) NOT NULL,\nPRIMARY KEY ("table_name", "attribute_name")\n)']);
    expect(p.tables[1].create).toEqual([
      'CREATE TABLE "lab"."#config" (\n"_singleton" boolean NOT NULL DEFAULT TRUE,\n"v" integer NOT NULL,\nPRIMARY KEY ("_singleton")\n)',
      `COMMENT ON TABLE "lab"."#config" IS ''`,
      `COMMENT ON COLUMN "lab"."#config"."_singleton" IS ':bool:singleton primary key'`,
      `COMMENT ON COLUMN "lab"."#config"."v" IS ':int32:'`,
    ]);
    expect(p.tables[2].create[0]).toBe('CREATE TABLE "lab"."__stats" (\n"id" integer NOT NULL,\n"_job_start_time" timestamp DEFAULT NULL,\n"_job_duration" real DEFAULT NULL,\n"_job_version" varchar(64) DEFAULT \'\',\nPRIMARY KEY ("id")\n)');
    expect(p.lossy).toEqual([]);
  });

  it('reports native types DataJoint would not declare identically, with the closest type', () => {
    const t = table('native', [
      my('id', 'int(10) unsigned', { extra: 'auto_increment' }),
      my('a', 'int(11)'),
      my('b', 'tinyint(4)'),
      my('c', 'bigint(20) unsigned'),
      my('d', 'year(4)'),
      my('e', 'time(2)'),
      my('f', 'timestamp', { default: 'current_timestamp()', extra: 'on update current_timestamp()' }),
      my('g', 'mediumtext', { nullable: true }),
      my('h', 'varbinary(8)'),
      my('i', "set('x','y')"),
      my('j', 'int(11)', { nullable: true, extra: 'VIRTUAL GENERATED' }),
      my('k', 'mediumblob', { nullable: true }),
      my('l', 'decimal(10,2)'),
      my('m', "enum('x','y')"),
    ], {
      autoIncrement: '100',
      createSql: "CREATE TABLE `native` (\n  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n  `a` int(11) NOT NULL CHECK (`a` > 0),\n  `b` tinyint(4) NOT NULL,\n  `c` bigint(20) unsigned NOT NULL,\n  `d` year(4) NOT NULL,\n  `e` time(2) NOT NULL,\n  `f` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n  `g` mediumtext DEFAULT NULL,\n  `h` varbinary(8) NOT NULL,\n  `i` set('x','y') NOT NULL,\n  `j` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL,\n  `k` mediumblob DEFAULT NULL,\n  `l` decimal(10,2) NOT NULL,\n  `m` enum('x','y') NOT NULL,\n  PRIMARY KEY (`id`),\n  KEY `g` (`g`(10))\n) ENGINE=InnoDB",
      indexes: [{ name: 'g', unique: false, columns: ['g'], subParts: [10] }],
    });
    const p = plan([schema('lab', [t])], 'mysql', 'postgres');
    expect(p.tables[0].columns.map((c) => c.sqlType)).toEqual([
      'bigint', 'integer', 'smallint', 'numeric(20,0)', 'smallint', 'time(2)', 'timestamp(0)', 'text', 'bytea', 'text',
      'integer', 'bytea', 'numeric(10,2)', `"lab"."${enumType(['x', 'y'])}"`,
    ]);
    const by = new Map(p.lossy.map((l) => [l.constraint ?? l.index ?? l.column, l]));
    expect([...by.keys()].sort()).toEqual(['CHECK on a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'id', 'j'].sort());
    expect(by.get('id')!.problem).toMatch(/int\(10\) unsigned .* declared as bigint; auto_increment: .* identity column/);
    expect(by.get('e')!.condition).toEqual({ kind: 'time-of-day' });
    expect(by.get('f')!.problem).toMatch(/ON UPDATE CURRENT_TIMESTAMP has no PostgreSQL counterpart/);
    expect(by.get('g')).toMatchObject({ index: 'g', column: 'g' });
    expect(by.get('j')!.problem).toMatch(/generated column/);
    expect(p.tables[0].create[0]).toContain('"id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL');
    expect(p.tables[0].afterLoad).toEqual([
      `SELECT setval(pg_get_serial_sequence('"lab"."native"', 'id'), GREATEST(100, (SELECT COALESCE(MAX("id"), 0) + 1 FROM "lab"."native")), false)`,
    ]);
  });

  it('refuses names PostgreSQL would truncate', () => {
    const long = 'c'.repeat(64);
    let err: unknown;
    try {
      plan([schema('lab', [table('t', [my('id', 'int', { comment: ':int32:' }), my(long, 'int')])])], 'mysql', 'postgres');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DdlError);
    expect((err as DdlError).code).toBe('identifier_too_long');
  });
});

describe('PostgreSQL → MySQL', () => {
  const rig = enumType(['b', 'a']);
  const lab = schema('lab', [
    table('#rig', [pg('rig', `lab.${rig}`, { dataType: 'user-defined', comment: ":enum('b','a'):which rig" })]),
    table('#operator', [pg('op', 'uuid', { comment: ':uuid:operator id' })]),
    table('subject', [
      pg('subject_id', 'integer', { comment: ':int32:subject id' }),
      pg('alive', 'boolean', { comment: ':bool:', default: 'true' }),
      pg('n', 'smallint', { comment: ':int16:', default: "'-1'::integer" }),
      pg('note', 'character varying(50)', { comment: ':varchar(50):says \\"hi\\"', default: "'it''s'::character varying" }),
      pg('born', 'timestamp(3) without time zone', { dataType: 'timestamp without time zone', comment: ':datetime(3):', default: 'CURRENT_TIMESTAMP(3)' }),
      pg('seen', 'timestamp without time zone', { dataType: 'timestamp without time zone', comment: ':datetime:', default: 'CURRENT_TIMESTAMP' }),
    ], { comment: 'subjects' }),
  ], { enumTypes: [{ name: rig, labels: ['b', 'a'] }] });
  const exp = schema('exp', [
    table('session', [
      pg('subject_id', 'integer', { inherited: 'int32' }),
      pg('rig', `lab.${rig}`, { dataType: 'user-defined', inherited: "enum('b','a')" }),
      pg('op', 'uuid', { nullable: true, inherited: 'uuid' }),
    ], {
      foreignKeys: [fk(['op'], 'lab', '#operator', ['op'], 'session_op_fkey'), fk(['rig'], 'lab', '#rig', ['rig'], 'session_rig_fkey'), fk(['subject_id'], 'lab', 'subject', ['subject_id'], 'session_subject_id_fkey')],
      indexes: [
        { name: 'idx_session_op', unique: false, columns: ['op'], definition: 'CREATE INDEX idx_session_op ON exp.session USING btree (op)' },
        { name: 'idx_session_rig', unique: false, columns: ['rig'], definition: 'CREATE INDEX idx_session_rig ON exp.session USING btree (rig)' },
        { name: 'idx_session_x', unique: true, columns: [null], expressions: [null], definition: 'CREATE UNIQUE INDEX idx_session_x ON exp.session USING btree (lower(rig::text))' },
        { name: 'idx_session_p', unique: false, columns: ['rig', 'op'], definition: 'CREATE INDEX idx_session_p ON exp.session USING btree (rig, op) WHERE (op IS NOT NULL)' },
      ],
    }),
  ]);

  it('declares the tables as DataJoint does on MySQL', () => {
    const p = plan([lab, exp], 'postgres', 'mysql');
    expect(p.schemas).toEqual([
      { name: 'lab', sourceName: 'lab', create: ['CREATE DATABASE `lab`'] },
      { name: 'exp', sourceName: 'exp', create: ['CREATE DATABASE `exp`'] },
    ]);
    expect(p.tables.find((t) => t.name === 'subject')!.create).toEqual([
      'CREATE TABLE `lab`.`subject` (\n'
        + "`subject_id` int NOT NULL COMMENT ':int32:subject id',\n"
        + "`alive` tinyint NOT NULL DEFAULT 1 COMMENT ':bool:',\n"
        + "`n` smallint NOT NULL DEFAULT '-1' COMMENT ':int16:',\n"
        + "`note` varchar(50) NOT NULL DEFAULT 'it''s' COMMENT ':varchar(50):says \"hi\"',\n"
        + "`born` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT ':datetime(3):',\n"
        + "`seen` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT ':datetime:',\n"
        + 'PRIMARY KEY (`subject_id`)\n'
        + ") ENGINE=InnoDB, COMMENT 'subjects'",
    ]);
    expect(p.tables.find((t) => t.name === '#rig')!.create[0]).toContain("`rig` enum('b','a') NOT NULL COMMENT ':enum(''b'',''a''):which rig'");
    expect(p.tables.find((t) => t.name === 'session')!.create).toEqual([
      'CREATE TABLE `exp`.`session` (\n'
        // FK columns: the parent's comment without its marker, except :uuid:.
        + "`subject_id` int NOT NULL COMMENT 'subject id',\n"
        + "`rig` enum('b','a') NOT NULL COMMENT 'which rig',\n"
        + "`op` binary(16) DEFAULT NULL COMMENT ':uuid:operator id',\n"
        + 'PRIMARY KEY (`subject_id`),\n'
        // In declaration order (column order), not the catalog's name order.
        + 'FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT,\n'
        + 'FOREIGN KEY (`rig`) REFERENCES `lab`.`#rig` (`rig`) ON UPDATE CASCADE ON DELETE RESTRICT,\n'
        + 'FOREIGN KEY (`op`) REFERENCES `lab`.`#operator` (`op`) ON UPDATE CASCADE ON DELETE RESTRICT\n'
        // The FK support indexes are left to InnoDB, as DataJoint does.
        + ') ENGINE=InnoDB',
    ]);
    const keyed = p.lossy.map((l) => `${l.table}.${l.index ?? l.column}`).sort();
    expect(keyed).toEqual(['session.idx_session_p', 'session.idx_session_x', 'subject.seen']);
    expect(p.lossy.find((l) => l.column === 'seen')!.condition).toEqual({ kind: 'fractional-seconds', digits: 0 });
  });

  it('reports native types DataJoint would not declare identically, with the closest type', () => {
    const t = table('native', [
      pg('id', 'integer', { default: "nextval('lab.native_id_seq'::regclass)" }),
      pg('a', 'boolean'),
      pg('b', 'uuid'),
      pg('c', 'numeric'),
      pg('d', 'timestamp(6) with time zone', { dataType: 'timestamp with time zone' }),
      pg('e', 'interval'),
      pg('f', 'text'),
      pg('g', 'text'),
      pg('h', 'numeric(12,4)'),
      pg('i', 'time(3) without time zone', { dataType: 'time without time zone' }),
      pg('j', 'bytea', { nullable: true }),
      pg('k', 'bigint', { extra: 'identity by default' }),
    ], {
      primaryKey: ['id', 'g'],
      sequences: [{ column: 'id', name: 'native_id_seq', lastValue: '41' }],
      createSql: 'CREATE TABLE "lab"."native" (\n"id" integer NOT NULL,\nPRIMARY KEY ("id", "g"),\nCONSTRAINT "pos" CHECK ((id > 0)),\nCONSTRAINT "u" UNIQUE (a, b)\n)',
    });
    const p = plan([schema('lab', [t])], 'postgres', 'mysql');
    expect(p.tables[0].columns.map((c) => c.sqlType)).toEqual([
      'int', 'tinyint', 'binary(16)', 'decimal(65,30)', 'datetime(6)', 'longtext', 'longtext', 'varchar(255)', 'decimal(12,4)', 'time(3)', 'longblob', 'bigint',
    ]);
    const by = new Map(p.lossy.map((l) => [l.constraint ?? l.column, l]));
    expect([...by.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'g', 'id', 'k', 'pos'].sort());
    expect(by.get('k')!.problem).toMatch(/one AUTO_INCREMENT column per table, leading a key; declared without it/);
    expect(by.get('g')!.condition).toEqual({ kind: 'max-length', length: 255 });
    expect(by.get('id')!.problem).toMatch(/AUTO_INCREMENT/);
    const sql = p.tables[0].create[0];
    expect(sql).toContain('`id` int NOT NULL AUTO_INCREMENT,');
    expect(sql).toContain('`k` bigint NOT NULL,');
    // A UNIQUE constraint is DataJoint's unique index.
    expect(sql).toContain('unique index (`a`,`b`)');
    expect(p.tables[0].afterLoad).toEqual(['ALTER TABLE `lab`.`native` AUTO_INCREMENT = 42']);
  });

  it('makes a loss conditional on the values only when every problem of the column is', () => {
    const t = table('keys', [pg('iv', 'interval'), pg('tx', 'text')], { primaryKey: ['iv', 'tx'] });
    const p = plan([schema('lab', [t])], 'postgres', 'mysql');
    expect(p.tables[0].columns.map((c) => c.sqlType)).toEqual(['varchar(255)', 'varchar(255)']);
    // text → varchar(255) loses only longer values; an interval also changes its type.
    expect(p.lossy.map((l) => [l.column, l.condition])).toEqual([['iv', undefined], ['tx', { kind: 'max-length', length: 255 }]]);
  });

  it('declares ~lineage with its comments and the singleton as DataJoint does on MySQL', () => {
    const p = plan([schema('lab', [
      table('~lineage', [pg('table_name', 'character varying(64)'), pg('attribute_name', 'character varying(64)'), pg('lineage', 'character varying(255)')], { primaryKey: ['table_name', 'attribute_name'] }),
      table('#config', [pg('_singleton', 'boolean', { comment: ':bool:singleton primary key', default: 'true' })]),
    ])], 'postgres', 'mysql');
    expect(p.tables[0].create).toEqual([
      "CREATE TABLE `lab`.`~lineage` (\n`table_name` VARCHAR(64) NOT NULL COMMENT 'table name within the schema',\n`attribute_name` VARCHAR(64) NOT NULL COMMENT 'attribute name',\n`lineage` VARCHAR(255) NOT NULL COMMENT 'origin: schema.table.attribute',\nPRIMARY KEY (`table_name`,`attribute_name`)\n) ENGINE=InnoDB",
    ]);
    expect(p.tables[1].create).toEqual([
      "CREATE TABLE `lab`.`#config` (\n`_singleton` tinyint NOT NULL DEFAULT 1 COMMENT ':bool:singleton primary key',\nPRIMARY KEY (`_singleton`)\n) ENGINE=InnoDB",
    ]);
  });
});
