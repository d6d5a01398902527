/**
 * A two-schema pipeline written in the DDL shapes DataJoint 2.3.2 itself emits (reference
 * §1.5; compare the harness dumps `corpus/*-dj2/dump.sql.gz`), once for MariaDB and once for
 * PostgreSQL, covering what the reference corpora do not: foreign keys across schemas (an enum,
 * a uuid and a datetime(3) key inherited from another schema), every core type and the built-in
 * codecs, a singleton table, job metadata columns, `~lineage`, native auto-increment/serial
 * columns, and traps for renaming (the schema name inside a comment and a string default).
 */
import { createHash } from 'node:crypto';

export interface Fixture {
  /** schema names, referenced schema first */
  lab: string;
  exp: string;
  statements: string[];
}

/** DataJoint's PostgreSQL enum type name, computed here from its definition (adapters/postgres.py). */
export function enumName(labels: string[]): string {
  return 'enum_' + createHash('md5').update([...labels].sort().join('_')).digest('hex').slice(0, 8);
}

export function mariadbFixture(prefix: string): Fixture {
  const lab = `${prefix}lab`;
  const exp = `${prefix}exp`;
  const L = (t: string) => `\`${lab}\`.\`${t}\``;
  const E = (t: string) => `\`${exp}\`.\`${t}\``;
  const FK = 'ON UPDATE CASCADE ON DELETE RESTRICT';
  return {
    lab, exp,
    statements: [
      `CREATE DATABASE \`${lab}\``,
      `CREATE DATABASE \`${exp}\``,
      `CREATE TABLE ${L('~lineage')} (
\`table_name\` VARCHAR(64) NOT NULL COMMENT "table name within the schema",
\`attribute_name\` VARCHAR(64) NOT NULL COMMENT "attribute name",
\`lineage\` VARCHAR(255) NOT NULL COMMENT "origin: schema.table.attribute",
PRIMARY KEY (\`table_name\`, \`attribute_name\`)
) ENGINE=InnoDB`,
      `CREATE TABLE ${L('#species')} (
\`species\` varchar(32) NOT NULL COMMENT ":varchar(32):species name, as in ${lab}.species",
PRIMARY KEY (\`species\`)
) ENGINE=InnoDB, COMMENT "species kept in ${lab}"`,
      `CREATE TABLE ${L('#rig')} (
\`rig\` enum('A','B','C') NOT NULL COMMENT ":enum('A','B','C'):recording rig",
PRIMARY KEY (\`rig\`)
) ENGINE=InnoDB`,
      `CREATE TABLE ${L('#operator')} (
\`op_uid\` binary(16) NOT NULL COMMENT ":uuid:operator id",
\`name\` varchar(64) NOT NULL COMMENT ":varchar(64):",
PRIMARY KEY (\`op_uid\`)
) ENGINE=InnoDB`,
      `CREATE TABLE ${L('#config')} (
\`_singleton\` tinyint NOT NULL DEFAULT TRUE COMMENT ":bool:singleton primary key",
\`setting\` varchar(64) NOT NULL COMMENT ":varchar(64):",
PRIMARY KEY (\`_singleton\`)
) ENGINE=InnoDB`,
      `CREATE TABLE ${L('subject')} (
\`subject_id\` int NOT NULL COMMENT ":int32:subject id",
\`species\` varchar(32) NOT NULL COMMENT "species name, as in ${lab}.species",
\`sex\` enum('F','M','U') NOT NULL DEFAULT 'U' COMMENT ":enum('F','M','U'):",
\`uid\` binary(16) NOT NULL COMMENT ":uuid:external id",
\`weight\` float DEFAULT NULL COMMENT ":float32:grams",
\`height\` double NOT NULL DEFAULT '1.5' COMMENT ":float64:",
\`tiny\` tinyint NOT NULL DEFAULT '-7' COMMENT ":int8:",
\`small\` smallint NOT NULL DEFAULT '-3' COMMENT ":int16:",
\`big\` bigint NOT NULL DEFAULT '9007199254740993' COMMENT ":int64:",
\`alive\` tinyint NOT NULL DEFAULT '1' COMMENT ":bool:",
\`info\` json DEFAULT NULL COMMENT ":json:",
\`raw\` longblob DEFAULT NULL COMMENT ":bytes:",
\`dob\` date NOT NULL DEFAULT '2020-01-02' COMMENT ":date:",
\`created\` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT ":datetime(3):",
\`seen\` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT ":datetime:",
\`code\` char(4) NOT NULL DEFAULT 'ab''c' COMMENT ":char(4):",
\`note\` varchar(255) NOT NULL DEFAULT '${lab}.subject' COMMENT ":varchar(255):says \\"hi\\" in ${lab}",
\`price\` decimal(8,3) NOT NULL DEFAULT '1.250' COMMENT ":decimal(8,3):",
\`photo\` longblob DEFAULT NULL COMMENT ":<blob>:",
\`doc\` longblob DEFAULT NULL COMMENT ":<attach>:",
\`stored\` json DEFAULT NULL COMMENT ":<blob@main>:",
PRIMARY KEY (\`subject_id\`),
FOREIGN KEY (\`species\`) REFERENCES ${L('#species')} (\`species\`) ${FK},
unique index (\`uid\`),
index (\`dob\`,\`sex\`)
) ENGINE=InnoDB, COMMENT "experimental subjects"`,
      `CREATE TABLE ${L('__stats')} (
\`subject_id\` int NOT NULL COMMENT "subject id",
\`mean\` double NOT NULL COMMENT ":float64:",
\`_job_start_time\` datetime(3) DEFAULT NULL,
\`_job_duration\` float DEFAULT NULL,
\`_job_version\` varchar(64) DEFAULT '',
PRIMARY KEY (\`subject_id\`),
FOREIGN KEY (\`subject_id\`) REFERENCES ${L('subject')} (\`subject_id\`) ${FK}
) ENGINE=InnoDB`,
      `CREATE TABLE ${L('log_entry')} (
\`entry\` int unsigned NOT NULL AUTO_INCREMENT,
\`msg\` varchar(100) NOT NULL,
\`at\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
PRIMARY KEY (\`entry\`)
) ENGINE=InnoDB AUTO_INCREMENT=42`,
      `CREATE TABLE ${E('~lineage')} (
\`table_name\` VARCHAR(64) NOT NULL COMMENT "table name within the schema",
\`attribute_name\` VARCHAR(64) NOT NULL COMMENT "attribute name",
\`lineage\` VARCHAR(255) NOT NULL COMMENT "origin: schema.table.attribute",
PRIMARY KEY (\`table_name\`, \`attribute_name\`)
) ENGINE=InnoDB`,
      `CREATE TABLE ${E('#epoch')} (
\`epoch\` datetime(3) NOT NULL COMMENT ":datetime(3):epoch start",
PRIMARY KEY (\`epoch\`)
) ENGINE=InnoDB`,
      `CREATE TABLE ${E('session')} (
\`subject_id\` int NOT NULL COMMENT "subject id",
\`session\` smallint NOT NULL COMMENT ":int16:session number",
\`rig\` enum('A','B','C') NOT NULL COMMENT "recording rig",
\`op_uid\` binary(16) COMMENT ":uuid:operator id",
\`species\` varchar(32) COMMENT "species name, as in ${lab}.species",
\`notes\` varchar(1024) NOT NULL DEFAULT '' COMMENT ":varchar(1024):",
PRIMARY KEY (\`subject_id\`, \`session\`),
FOREIGN KEY (\`subject_id\`) REFERENCES ${L('subject')} (\`subject_id\`) ${FK},
FOREIGN KEY (\`rig\`) REFERENCES ${L('#rig')} (\`rig\`) ${FK},
FOREIGN KEY (\`op_uid\`) REFERENCES ${L('#operator')} (\`op_uid\`) ${FK},
FOREIGN KEY (\`species\`) REFERENCES ${L('#species')} (\`species\`) ${FK}
) ENGINE=InnoDB, COMMENT "a recording session"`,
      `CREATE TABLE ${E('session__trial')} (
\`subject_id\` int NOT NULL COMMENT "subject id",
\`session\` smallint NOT NULL COMMENT "session number",
\`trial\` int NOT NULL COMMENT ":int32:",
\`epoch\` datetime(3) COMMENT "epoch start",
PRIMARY KEY (\`subject_id\`, \`session\`, \`trial\`),
FOREIGN KEY (\`subject_id\`, \`session\`) REFERENCES ${E('session')} (\`subject_id\`, \`session\`) ${FK},
FOREIGN KEY (\`epoch\`) REFERENCES ${E('#epoch')} (\`epoch\`) ${FK}
) ENGINE=InnoDB`,
    ],
  };
}

export function postgresFixture(prefix: string): Fixture {
  const lab = `${prefix}lab`;
  const exp = `${prefix}exp`;
  const L = (t: string) => `"${lab}"."${t}"`;
  const E = (t: string) => `"${exp}"."${t}"`;
  const FK = 'ON UPDATE CASCADE ON DELETE RESTRICT';
  const rig = enumName(['A', 'B', 'C']);
  const sex = enumName(['F', 'M', 'U']);
  const comment = (t: string, c: string, text: string) => `COMMENT ON COLUMN ${t}."${c}" IS '${text.replace(/'/g, "''")}'`;
  return {
    lab, exp,
    statements: [
      `CREATE SCHEMA "${lab}"`,
      `CREATE SCHEMA "${exp}"`,
      `CREATE TYPE "${lab}"."${rig}" AS ENUM ('A', 'B', 'C')`,
      `CREATE TYPE "${lab}"."${sex}" AS ENUM ('F', 'M', 'U')`,
      `CREATE TABLE ${L('~lineage')} (
"table_name" VARCHAR(64) NOT NULL,
"attribute_name" VARCHAR(64) NOT NULL,
"lineage" VARCHAR(255) NOT NULL,
PRIMARY KEY ("table_name", "attribute_name")
)`,
      `CREATE TABLE ${L('#species')} (
"species" varchar(32) NOT NULL,
PRIMARY KEY ("species")
)`,
      `COMMENT ON TABLE ${L('#species')} IS 'species kept in ${lab}'`,
      comment(L('#species'), 'species', `:varchar(32):species name, as in ${lab}.species`),
      `CREATE TABLE ${L('#rig')} (
"rig" "${lab}"."${rig}" NOT NULL,
PRIMARY KEY ("rig")
)`,
      comment(L('#rig'), 'rig', ":enum('A','B','C'):recording rig"),
      `CREATE TABLE ${L('#operator')} (
"op_uid" uuid NOT NULL,
"name" varchar(64) NOT NULL,
PRIMARY KEY ("op_uid")
)`,
      comment(L('#operator'), 'op_uid', ':uuid:operator id'),
      comment(L('#operator'), 'name', ':varchar(64):'),
      `CREATE TABLE ${L('#config')} (
"_singleton" boolean NOT NULL DEFAULT TRUE,
"setting" varchar(64) NOT NULL,
PRIMARY KEY ("_singleton")
)`,
      comment(L('#config'), 'setting', ':varchar(64):'),
      comment(L('#config'), '_singleton', ':bool:singleton primary key'),
      `CREATE TABLE ${L('subject')} (
"subject_id" integer NOT NULL,
"species" varchar(32) NOT NULL,
"sex" "${lab}"."${sex}" NOT NULL DEFAULT 'U',
"uid" uuid NOT NULL,
"weight" real DEFAULT NULL,
"height" double precision NOT NULL DEFAULT '1.5',
"tiny" smallint NOT NULL DEFAULT '-7',
"small" smallint NOT NULL DEFAULT '-3',
"big" bigint NOT NULL DEFAULT '9007199254740993',
"alive" boolean NOT NULL DEFAULT '1',
"info" jsonb DEFAULT NULL,
"raw" bytea DEFAULT NULL,
"dob" date NOT NULL DEFAULT '2020-01-02',
"created" timestamp(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
"seen" timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
"code" char(4) NOT NULL DEFAULT 'ab''c',
"note" varchar(255) NOT NULL DEFAULT '${lab}.subject',
"price" numeric(8,3) NOT NULL DEFAULT '1.250',
"photo" bytea DEFAULT NULL,
"doc" bytea DEFAULT NULL,
"stored" jsonb DEFAULT NULL,
PRIMARY KEY ("subject_id"),
FOREIGN KEY ("species") REFERENCES ${L('#species')} ("species") ${FK}
)`,
      `CREATE UNIQUE INDEX "idx_subject_uid" ON ${L('subject')} ("uid")`,
      `CREATE INDEX "idx_subject_dob_sex" ON ${L('subject')} ("dob", "sex")`,
      `COMMENT ON TABLE ${L('subject')} IS 'experimental subjects'`,
      ...([
        ['subject_id', ':int32:subject id'], ['sex', ":enum('F','M','U'):"], ['uid', ':uuid:external id'],
        ['weight', ':float32:grams'], ['height', ':float64:'], ['tiny', ':int8:'], ['small', ':int16:'],
        ['big', ':int64:'], ['alive', ':bool:'], ['info', ':json:'], ['raw', ':bytes:'], ['dob', ':date:'],
        ['created', ':datetime(3):'], ['seen', ':datetime:'], ['code', ':char(4):'],
        ['note', `:varchar(255):says \\"hi\\" in ${lab}`], ['price', ':decimal(8,3):'], ['photo', ':<blob>:'],
        ['doc', ':<attach>:'], ['stored', ':<blob@main>:'],
      ] as const).map(([c, text]) => comment(L('subject'), c, text)),
      `CREATE TABLE ${L('__stats')} (
"subject_id" integer NOT NULL,
"mean" double precision NOT NULL,
"_job_start_time" timestamp DEFAULT NULL,
"_job_duration" real DEFAULT NULL,
"_job_version" varchar(64) DEFAULT '',
PRIMARY KEY ("subject_id"),
FOREIGN KEY ("subject_id") REFERENCES ${L('subject')} ("subject_id") ${FK}
)`,
      comment(L('__stats'), 'mean', ':float64:'),
      `CREATE TABLE ${L('log_entry')} (
"entry" serial NOT NULL,
"msg" varchar(100) NOT NULL COLLATE "C",
"seq" integer GENERATED BY DEFAULT AS IDENTITY,
PRIMARY KEY ("entry"),
CONSTRAINT "msg_not_empty" CHECK (msg <> '')
)`,
      `SELECT setval(pg_get_serial_sequence('"${lab}"."log_entry"', 'entry'), 41, true)`,
      `CREATE TABLE ${E('~lineage')} (
"table_name" VARCHAR(64) NOT NULL,
"attribute_name" VARCHAR(64) NOT NULL,
"lineage" VARCHAR(255) NOT NULL,
PRIMARY KEY ("table_name", "attribute_name")
)`,
      `CREATE TABLE ${E('#epoch')} (
"epoch" timestamp(3) NOT NULL,
PRIMARY KEY ("epoch")
)`,
      comment(E('#epoch'), 'epoch', ':datetime(3):epoch start'),
      `CREATE TABLE ${E('session')} (
"subject_id" integer NOT NULL,
"session" smallint NOT NULL,
"rig" "${lab}"."${rig}" NOT NULL,
"op_uid" uuid,
"species" varchar(32),
"notes" varchar(1024) NOT NULL DEFAULT '',
PRIMARY KEY ("subject_id", "session"),
FOREIGN KEY ("subject_id") REFERENCES ${L('subject')} ("subject_id") ${FK},
FOREIGN KEY ("rig") REFERENCES ${L('#rig')} ("rig") ${FK},
FOREIGN KEY ("op_uid") REFERENCES ${L('#operator')} ("op_uid") ${FK},
FOREIGN KEY ("species") REFERENCES ${L('#species')} ("species") ${FK}
)`,
      `COMMENT ON TABLE ${E('session')} IS 'a recording session'`,
      comment(E('session'), 'session', ':int16:session number'),
      comment(E('session'), 'notes', ':varchar(1024):'),
      `CREATE TABLE ${E('session__trial')} (
"subject_id" integer NOT NULL,
"session" smallint NOT NULL,
"trial" integer NOT NULL,
"epoch" timestamp without time zone,
PRIMARY KEY ("subject_id", "session", "trial"),
FOREIGN KEY ("subject_id", "session") REFERENCES ${E('session')} ("subject_id", "session") ${FK},
FOREIGN KEY ("epoch") REFERENCES ${E('#epoch')} ("epoch") ${FK}
)`,
      comment(E('session__trial'), 'trial', ':int32:'),
    ],
  };
}
