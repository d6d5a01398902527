/**
 * planDdl within one family, on hand-written manifests: the statements replay the catalog
 * exactly and rename schemas only where they are identifiers.
 */
import { describe, expect, it } from 'vitest';
import { DdlError, planDdl, type DdlPlan } from '../../src/ddl/index.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import { column, fk, schema, table } from './build.js';

const my = (name: string, sqlType: string, spec = {}) => column('mysql', name, sqlType, spec);
const pg = (name: string, sqlType: string, spec = {}) => column('postgres', name, sqlType, spec);

function allStatements(plan: DdlPlan): string[] {
  return [...plan.schemas.flatMap((s) => s.create), ...plan.tables.flatMap((t) => [...t.create, ...t.afterLoad])];
}

function expectError(fn: () => unknown, code: string, message: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DdlError);
  expect((err as DdlError).code).toBe(code);
  expect((err as DdlError).message).toMatch(message);
}

describe('MySQL → MySQL', () => {
  const subjectSql = "CREATE TABLE `subject` (\n  `subject_id` int(11) NOT NULL AUTO_INCREMENT COMMENT ':int32:id in lab',\n  `note` varchar(20) NOT NULL DEFAULT 'lab.subject',\n  PRIMARY KEY (`subject_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='lab subjects'";
  const sessionSql = "CREATE TABLE `session` (\n  `subject_id` int(11) NOT NULL COMMENT 'id in lab',\n  `session` smallint(6) NOT NULL COMMENT ':int16:',\n  PRIMARY KEY (`subject_id`,`session`),\n  CONSTRAINT `session_ibfk_1` FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";
  const manifests: SchemaManifest[] = [
    schema('lab', [table('subject', [my('subject_id', 'int(11)', { comment: ':int32:id in lab', extra: 'auto_increment' }), my('note', 'varchar(20)', { default: "'lab.subject'" })], {
      createSql: subjectSql, autoIncrement: '17', engine: 'InnoDB',
    })], { charset: 'latin1', collation: 'latin1_swedish_ci' }),
    schema('exp', [table('session', [my('subject_id', 'int(11)', { comment: 'id in lab', inherited: 'int32' }), my('session', 'smallint(6)', { comment: ':int16:' })], {
      primaryKey: ['subject_id', 'session'], foreignKeys: [fk(['subject_id'], 'lab', 'subject', ['subject_id'], 'session_ibfk_1')], createSql: sessionSql,
    })], { charset: 'utf8mb4', collation: 'utf8mb4_general_ci' }),
  ];

  it('creates databases with their charset and collation, and tables from SHOW CREATE TABLE, qualified', () => {
    const plan = planDdl(manifests, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map() });
    expect(plan.schemas).toEqual([
      { name: 'lab', sourceName: 'lab', create: ['CREATE DATABASE `lab` CHARACTER SET latin1 COLLATE latin1_swedish_ci'] },
      { name: 'exp', sourceName: 'exp', create: ['CREATE DATABASE `exp` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci'] },
    ]);
    expect(plan.tables.map((t) => [t.schema, t.name, t.sourceSchema])).toEqual([['lab', 'subject', 'lab'], ['exp', 'session', 'exp']]);
    expect(plan.tables[0].create).toEqual([subjectSql.replace('CREATE TABLE `subject`', 'CREATE TABLE `lab`.`subject`')]);
    expect(plan.tables[0].afterLoad).toEqual(['ALTER TABLE `lab`.`subject` AUTO_INCREMENT = 17']);
    expect(plan.tables[1].afterLoad).toEqual([]);
    expect(plan.tables[0].columns.map((c) => [c.name, c.sqlType, c.kind])).toEqual([['subject_id', 'int(11)', 'int32'], ['note', 'varchar(20)', 'string']]);
    expect(plan.lossy).toEqual([]);
  });

  it('renames the created schemas and cross-schema references, never comments or defaults', () => {
    const plan = planDdl(manifests, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map([['lab', 'lab_v2'], ['exp', 'exp_v2']]) });
    expect(plan.schemas.map((s) => [s.name, s.sourceName])).toEqual([['lab_v2', 'lab'], ['exp_v2', 'exp']]);
    expect(plan.tables[0].create[0]).toContain('CREATE TABLE `lab_v2`.`subject`');
    expect(plan.tables[0].create[0]).toContain("COMMENT ':int32:id in lab'");
    expect(plan.tables[0].create[0]).toContain("DEFAULT 'lab.subject'");
    expect(plan.tables[0].create[0]).toContain("COMMENT='lab subjects'");
    expect(plan.tables[1].create[0]).toBe(sessionSql
      .replace('CREATE TABLE `session`', 'CREATE TABLE `exp_v2`.`session`')
      .replace('REFERENCES `lab`.`subject`', 'REFERENCES `lab_v2`.`subject`'));
    expect(plan.tables[0].afterLoad).toEqual(['ALTER TABLE `lab_v2`.`subject` AUTO_INCREMENT = 17']);
  });

  it('creates parents first even when the schemas are listed child first', () => {
    const plan = planDdl([manifests[1], manifests[0]], { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map() });
    expect(plan.tables.map((t) => t.name)).toEqual(['subject', 'session']);
  });

  it('refuses a table without SHOW CREATE TABLE text, a bad collation and colliding renames', () => {
    const noSql = [schema('lab', [table('subject', [my('subject_id', 'int')])])];
    expectError(() => planDdl(noSql, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map() }), 'manifest_invalid', /no createSql/);
    const bad = [{ ...manifests[0], collation: 'x; DROP DATABASE y' }];
    expectError(() => planDdl(bad, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map() }), 'manifest_invalid', /invalid collation/);
    expectError(() => planDdl(manifests, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map([['exp', 'lab']]) }),
      'rename_invalid', /would both be imported as "lab"/);
    expectError(() => planDdl(manifests, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map([['lab', 'x'.repeat(65)]]) }),
      'identifier_too_long', /too long for MySQL/);
    expectError(() => planDdl([manifests[0], manifests[0]], { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map() }),
      'manifest_invalid', /schema twice/);
  });

  it('refuses foreign keys that form a cycle', () => {
    const cyc = [schema('a', [
      table('x', [my('id', 'int')], { createSql: 'CREATE TABLE `x` (`id` int)', foreignKeys: [fk(['id'], 'a', 'y')] }),
      table('y', [my('id', 'int')], { createSql: 'CREATE TABLE `y` (`id` int)', foreignKeys: [fk(['id'], 'a', 'x')] }),
    ])];
    expectError(() => planDdl(cyc, { sourceFamily: 'mysql', targetFamily: 'mysql', rename: new Map() }), 'manifest_invalid', /form a cycle/);
  });
});

describe('PostgreSQL → PostgreSQL', () => {
  // What the catalog reader records for DataJoint tables on PostgreSQL: format_type types
  // (enum types schema-qualified), pg_get_expr defaults, pg_get_indexdef definitions.
  const lab = schema('lab', [
    table('#rig', [pg('rig', 'lab.enum_0fe1e9c5', { dataType: 'user-defined', comment: ":enum('b','a'):which rig" })], {
      comment: 'rigs of lab',
    }),
    table('subject', [
      pg('subject_id', 'integer', { comment: ':int32:' }),
      pg('rig', 'lab.enum_0fe1e9c5', { dataType: 'user-defined', default: "'a'::lab.enum_0fe1e9c5" }),
      pg('note', 'character varying(20)', { comment: ':varchar(20):see lab.subject', default: "'lab.subject'::character varying", collation: 'C' }),
      pg('n', 'integer', { default: "nextval('lab.subject_n_seq'::regclass)" }),
      pg('k', 'bigint', { extra: 'identity by default' }),
    ], {
      foreignKeys: [fk(['rig'], 'lab', '#rig', ['rig'], 'subject_rig_fkey')],
      indexes: [{ name: 'idx_subject_note', unique: true, columns: ['note'], definition: 'CREATE UNIQUE INDEX idx_subject_note ON lab.subject USING btree (note)' }],
      sequences: [{ column: 'k', name: 'subject_k_seq', lastValue: null }, { column: 'n', name: 'subject_n_seq', lastValue: '7' }],
      createSql: 'CREATE TABLE "lab"."subject" (\n"subject_id" integer NOT NULL,\nPRIMARY KEY ("subject_id"),\nCONSTRAINT "subject_rig_fkey" FOREIGN KEY ("rig") REFERENCES "lab"."#rig" ("rig") ON UPDATE CASCADE ON DELETE RESTRICT,\nCONSTRAINT "n_positive" CHECK ((n > 0)),\nCONSTRAINT "uq" UNIQUE (subject_id, n)\n)',
    }),
  ], { enumTypes: [{ name: 'enum_0fe1e9c5', labels: ['b', 'a'] }] });
  const exp = schema('exp', [
    table('session', [pg('subject_id', 'integer', { inherited: 'int32' }), pg('rig', 'lab.enum_0fe1e9c5', { dataType: 'user-defined', inherited: "enum('b','a')" })], {
      primaryKey: ['subject_id'],
      foreignKeys: [fk(['subject_id'], 'lab', 'subject', ['subject_id'], 'session_subject_id_fkey')],
      indexes: [{ name: 'idx_session_rig', unique: false, columns: ['rig'], definition: 'CREATE INDEX idx_session_rig ON exp.session USING btree (rig)' }],
    }),
  ]);

  it('replays enum types, columns, keys, constraints, indexes, comments and sequences', () => {
    const plan = planDdl([lab, exp], { sourceFamily: 'postgres', targetFamily: 'postgres', rename: new Map() });
    expect(plan.schemas[0].create).toEqual(['CREATE SCHEMA "lab"', `CREATE TYPE "lab"."enum_0fe1e9c5" AS ENUM ('b', 'a')`]);
    expect(plan.tables[0].create).toEqual([
      'CREATE TABLE "lab"."#rig" (\n"rig" lab.enum_0fe1e9c5 NOT NULL,\nPRIMARY KEY ("rig")\n)',
      `COMMENT ON TABLE "lab"."#rig" IS 'rigs of lab'`,
      `COMMENT ON COLUMN "lab"."#rig"."rig" IS ':enum(''b'',''a''):which rig'`,
    ]);
    expect(plan.tables[1].create).toEqual([
      'CREATE SEQUENCE IF NOT EXISTS "lab"."subject_n_seq" AS integer',
      'CREATE TABLE "lab"."subject" (\n'
        + '"subject_id" integer NOT NULL,\n'
        + `"rig" lab.enum_0fe1e9c5 NOT NULL DEFAULT 'a'::lab.enum_0fe1e9c5,\n`
        + `"note" character varying(20) COLLATE "C" NOT NULL DEFAULT 'lab.subject'::character varying,\n`
        + `"n" integer NOT NULL DEFAULT nextval('lab.subject_n_seq'::regclass),\n`
        + '"k" bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME "lab"."subject_k_seq") NOT NULL,\n'
        + 'PRIMARY KEY ("subject_id"),\n'
        + 'CONSTRAINT "subject_rig_fkey" FOREIGN KEY ("rig") REFERENCES "lab"."#rig" ("rig") ON UPDATE CASCADE ON DELETE RESTRICT,\n'
        + 'CONSTRAINT "n_positive" CHECK ((n > 0)),\n'
        + 'CONSTRAINT "uq" UNIQUE (subject_id, n)\n)',
      'CREATE UNIQUE INDEX idx_subject_note ON lab.subject USING btree (note)',
      `COMMENT ON COLUMN "lab"."subject"."subject_id" IS ':int32:'`,
      `COMMENT ON COLUMN "lab"."subject"."note" IS ':varchar(20):see lab.subject'`,
      'ALTER SEQUENCE "lab"."subject_n_seq" OWNED BY "lab"."subject"."n"',
    ]);
    expect(plan.tables[1].afterLoad).toEqual([`SELECT setval('"lab"."subject_n_seq"', 7, true)`]);
    expect(plan.tables[1].columns.find((c) => c.name === 'k')).toMatchObject({ identityAlways: false, generated: false });
  });

  it('renames schemas in types, casts, sequences, references and index definitions but not in comments', () => {
    const plan = planDdl([lab, exp], { sourceFamily: 'postgres', targetFamily: 'postgres', rename: new Map([['lab', 'L2'], ['exp', 'E2']]) });
    const sql = allStatements(plan).join('\n');
    expect(plan.schemas[0].create).toEqual(['CREATE SCHEMA "L2"', `CREATE TYPE "L2"."enum_0fe1e9c5" AS ENUM ('b', 'a')`]);
    expect(sql).toContain(`"rig" "L2".enum_0fe1e9c5 NOT NULL DEFAULT 'a'::"L2".enum_0fe1e9c5`);
    expect(sql).toContain(`DEFAULT nextval('"L2".subject_n_seq'::regclass)`);
    expect(sql).toContain('CREATE SEQUENCE IF NOT EXISTS "L2"."subject_n_seq" AS integer');
    expect(sql).toContain('(SEQUENCE NAME "L2"."subject_k_seq")');
    expect(sql).toContain('CREATE UNIQUE INDEX idx_subject_note ON "L2".subject USING btree (note)');
    expect(sql).toContain('CREATE INDEX idx_session_rig ON "E2".session USING btree (rig)');
    expect(sql).toContain('REFERENCES "L2"."subject" ("subject_id")');
    // The FK column in the other schema keeps using the (renamed) parent schema's enum type.
    expect(sql).toContain('"rig" "L2".enum_0fe1e9c5 NOT NULL');
    expect(sql).toContain(`'lab.subject'::character varying`);
    expect(sql).toContain(`IS ':varchar(20):see lab.subject'`);
    expect(sql).toContain(`IS 'rigs of lab'`);
    // Nothing else still names the old schema.
    expect(sql.replace("'lab.subject'::character varying", '').replace(':varchar(20):see lab.subject', '')).not.toContain('lab.');
    expect(plan.tables[1].afterLoad).toEqual([`SELECT setval('"L2"."subject_n_seq"', 7, true)`]);
  });
});

describe('SQL text from the snapshot', () => {
  const opts = (family: 'mysql' | 'postgres') => ({ sourceFamily: family, targetFamily: family, rename: new Map<string, string>() });

  it('must be a single fragment: a crafted manifest cannot append statements', () => {
    const my1 = [schema('a', [table('t', [my('id', 'int')], { createSql: 'CREATE TABLE `t` (`id` int); DROP DATABASE `mysql`' })])];
    expectError(() => planDdl(my1, opts('mysql')), 'manifest_invalid', /more than one SQL statement/);
    const my2 = [schema('a', [table('t', [my('id', 'int')], { createSql: 'CREATE TABLE `t` (`id` int) /*!50000 ; DROP DATABASE `mysql` */' })])];
    expectError(() => planDdl(my2, opts('mysql')), 'manifest_invalid', /more than one SQL statement/);
    // A semicolon inside a string or a comment is fine.
    const my3 = [schema('a', [table('t', [my('id', 'int')], { createSql: "CREATE TABLE `t` (`id` int COMMENT 'a;b' /* c;d */)" })])];
    expect(planDdl(my3, opts('mysql')).tables[0].create[0]).toBe("CREATE TABLE `a`.`t` (`id` int COMMENT 'a;b' /* c;d */)");
    const pg1 = [schema('a', [table('t', [pg('id', 'integer); DROP SCHEMA public CASCADE; --')])])];
    expectError(() => planDdl(pg1, opts('postgres')), 'manifest_invalid', /more than one SQL statement/);
    const pg2 = [schema('a', [table('t', [pg('id', 'integer', { default: '(1' })])])];
    expectError(() => planDdl(pg2, opts('postgres')), 'manifest_invalid', /unbalanced parentheses/);
    const pg3 = [schema('a', [table('t', [pg('id', 'integer')], { indexes: [{ name: 'i', unique: false, columns: ['id'], definition: 'DROP SCHEMA public' }] })])];
    expectError(() => planDdl(pg3, opts('postgres')), 'manifest_invalid', /not CREATE INDEX/);
  });
});
