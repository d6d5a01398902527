/**
 * Catalog text to compare declarations with what real DataJoint 2.3.2 created, in the form the
 * reference corpora show it: MariaDB's `SHOW CREATE TABLE` (what `mysqldump` writes) and, for
 * PostgreSQL, the statements `pg_dump` writes (column lines, COMMENT ON, constraints, indexes,
 * enum types), rebuilt from a live catalog with the same server functions pg_dump uses
 * (`format_type`, `pg_get_expr`, `pg_get_constraintdef`, `pg_get_indexdef`) under an empty
 * search_path, so every name is schema-qualified as in the dump.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Database } from '../../src/db/types.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const CORPUS_DIR = path.resolve(repoRoot, '../shared/datajoint-harness/corpus');

export type CorpusName = 'mariadb-dj2' | 'postgres-dj2';

export function corpusAvailable(name: CorpusName): boolean {
  return existsSync(path.join(CORPUS_DIR, name, 'dump.sql.gz'));
}

const dumps = new Map<CorpusName, string>();
export function readDump(name: CorpusName): string {
  let text = dumps.get(name);
  if (text === undefined) {
    text = gunzipSync(readFileSync(path.join(CORPUS_DIR, name, 'dump.sql.gz'))).toString('utf8');
    dumps.set(name, text);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// MariaDB

/** `SHOW CREATE TABLE` texts of the MariaDB dump, keyed `<schema without dj_>.<table>`. */
export function mariadbDumpTables(dump: string): Map<string, string> {
  const out = new Map<string, string>();
  let schema = '';
  const lines = dump.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const use = /^USE `dj_([^`]+)`;$/.exec(lines[i]);
    if (use) schema = use[1];
    const create = /^CREATE TABLE `([^`]+)` \($/.exec(lines[i]);
    if (!create) continue;
    const block = [lines[i]];
    while (!lines[i].startsWith(')')) block.push(lines[++i]);
    out.set(`${schema}.${create[1]}`, block.join('\n').replace(/;$/, ''));
  }
  return out;
}

export async function liveMariadbCreate(db: Database, schema: string, table: string): Promise<string> {
  const rows = await db.query<Record<string, string>>(`SHOW CREATE TABLE ${db.quoteIdent(schema)}.${db.quoteIdent(table)}`);
  return rows[0]['Create Table'];
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PgTableFacts {
  /** `name type [DEFAULT expr] [NOT NULL]`, in column order. */
  columns: string[];
  tableComment: string | null;
  /** [column, comment] in column order. */
  columnComments: [string, string][];
  /** `<name> PRIMARY KEY (…)`, `<name> FOREIGN KEY (…) REFERENCES …`, sorted. */
  constraints: string[];
  /** `CREATE [UNIQUE ]INDEX … USING btree (…)`, sorted. */
  indexes: string[];
}

export interface PgDumpFacts {
  /** Keyed `<schema without dj_>.<table>`. */
  tables: Map<string, PgTableFacts>;
  /** Keyed `<schema without dj_>.<type name>`: labels in order. */
  enums: Map<string, string[]>;
  /** Keyed by schema without `dj_`: [table, attribute, lineage] rows. */
  lineage: Map<string, [string, string, string][]>;
}

/** Split a possibly quoted, dot-separated identifier path (`dj_test1."#subject".name`). */
function splitIdent(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      let part = '';
      for (;;) {
        if (text[j] === '"' && text[j + 1] === '"') {
          part += '"';
          j += 2;
        } else if (text[j] === '"') break;
        else part += text[j++];
      }
      parts.push(part);
      i = j + 1;
    } else {
      const j = text.indexOf('.', i);
      parts.push(text.slice(i, j < 0 ? text.length : j));
      i = j < 0 ? text.length : j;
    }
    if (text[i] === '.') i++;
  }
  return parts;
}

function unquoteLiteral(text: string): string {
  return text.slice(1, -1).replace(/''/g, "'");
}

function emptyFacts(): PgTableFacts {
  return { columns: [], tableComment: null, columnComments: [], constraints: [], indexes: [] };
}

export function postgresDumpFacts(dump: string): PgDumpFacts {
  const tables = new Map<string, PgTableFacts>();
  const enums = new Map<string, string[]>();
  const lineage = new Map<string, [string, string, string][]>();
  const strip = (schema: string): string => schema.replace(/^dj_/, '');
  const facts = (schema: string, table: string): PgTableFacts => {
    const key = `${strip(schema)}.${table}`;
    let f = tables.get(key);
    if (!f) tables.set(key, (f = emptyFacts()));
    return f;
  };
  const lines = dump.split('\n');
  let statement: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (statement.length === 0 && (line === '' || line.startsWith('--'))) continue;
    const copy = /^COPY (\S+) \(table_name, attribute_name, lineage\) FROM stdin;$/.exec(line);
    if (copy) {
      const [schema, table] = splitIdent(copy[1]);
      const rows: [string, string, string][] = [];
      while (lines[++i] !== '\\.') {
        const [t, a, l] = lines[i].split('\t');
        rows.push([t, a, l]);
      }
      if (table === '~lineage') lineage.set(strip(schema), rows);
      continue;
    }
    if (/^COPY /.test(line)) {
      while (lines[++i] !== '\\.');
      continue;
    }
    statement.push(line);
    if (!line.endsWith(';')) continue;
    const text = statement.join('\n');
    statement = [];
    let m = /^CREATE TABLE (\S+) \(\n([\s\S]*)\n\);$/.exec(text);
    if (m) {
      const [schema, table] = splitIdent(m[1]);
      facts(schema, table).columns = m[2].split('\n').map((l) => l.trim().replace(/,$/, ''));
      continue;
    }
    m = /^CREATE TYPE (\S+) AS ENUM \(\n([\s\S]*)\n\);$/.exec(text);
    if (m) {
      const [schema, name] = splitIdent(m[1]);
      enums.set(`${strip(schema)}.${name}`, m[2].split('\n').map((l) => unquoteLiteral(l.trim().replace(/,$/, ''))));
      continue;
    }
    m = /^COMMENT ON TABLE (\S+) IS ('(?:[^']|'')*');$/.exec(text);
    if (m) {
      const [schema, table] = splitIdent(m[1]);
      facts(schema, table).tableComment = unquoteLiteral(m[2]);
      continue;
    }
    m = /^COMMENT ON COLUMN (\S+) IS ('(?:[^']|'')*');$/.exec(text);
    if (m) {
      const [schema, table, column] = splitIdent(m[1]);
      facts(schema, table).columnComments.push([column, unquoteLiteral(m[2])]);
      continue;
    }
    m = /^ALTER TABLE ONLY (\S+)\n {4}ADD CONSTRAINT (\S+) ([\s\S]*);$/.exec(text);
    if (m) {
      const [schema, table] = splitIdent(m[1]);
      facts(schema, table).constraints.push(`${m[2]} ${m[3]}`);
      continue;
    }
    m = /^CREATE (UNIQUE )?INDEX \S+ ON (\S+) USING [\s\S]*;$/.exec(text);
    if (m) {
      const [schema, table] = splitIdent(m[2]);
      facts(schema, table).indexes.push(text.replace(/;$/, ''));
    }
  }
  for (const f of tables.values()) {
    f.constraints.sort();
    f.indexes.sort();
  }
  return { tables, enums, lineage };
}

/**
 * The same facts read from a live PostgreSQL-family catalog. `rename` maps the live schema
 * names inside the texts to the corpus's (e.g. the scratch prefix to `dj_`).
 */
export async function livePostgresFacts(db: Database, schema: string, table: string, rename: (text: string) => string): Promise<PgTableFacts> {
  await db.execute("SET search_path TO ''");
  try {
    const rel = `${db.quoteIdent(schema)}.${db.quoteIdent(table)}`;
    const oid = (await db.query<{ oid: string }>('SELECT $1::regclass::oid::text AS oid', [rel]))[0].oid;
    const columns = await db.query<{ ident: string; type: string; def: string | null; notnull: boolean; comment: string | null; attname: string }>(
      `SELECT quote_ident(a.attname) AS ident, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
              pg_get_expr(d.adbin, d.adrelid) AS def, a.attnotnull AS notnull, col_description(a.attrelid, a.attnum) AS comment
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [oid]);
    const tableComment = (await db.query<{ c: string | null }>("SELECT obj_description($1::oid, 'pg_class') AS c", [oid]))[0].c;
    const constraints = await db.query<{ name: string; def: string }>(
      "SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::oid AND contype IN ('p', 'f')", [oid]);
    const indexes = await db.query<{ def: string }>(
      'SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::oid AND NOT indisprimary', [oid]);
    return {
      columns: columns.map((c) => rename(`${c.ident} ${c.type}${c.def === null ? '' : ` DEFAULT ${c.def}`}${c.notnull ? ' NOT NULL' : ''}`)),
      tableComment,
      columnComments: columns.filter((c) => c.comment !== null).map((c) => [c.attname, c.comment as string]),
      constraints: constraints.map((c) => rename(`${c.name} ${c.def}`)).sort(),
      indexes: indexes.map((i) => rename(i.def)).sort(),
    };
  } finally {
    await db.execute('RESET search_path');
  }
}

/** Enum types of a live schema: type name → labels in order. */
export async function livePostgresEnums(db: Database, schema: string): Promise<Map<string, string[]>> {
  const rows = await db.query<{ typname: string; label: string }>(
    `SELECT t.typname, e.enumlabel AS label FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       JOIN pg_enum e ON e.enumtypid = t.oid WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`, [schema]);
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.typname, [...(out.get(r.typname) ?? []), r.label]);
  return out;
}

/** `~lineage` rows of a live schema, sorted. */
export async function liveLineage(db: Database, schema: string): Promise<[string, string, string][]> {
  const rows = await db.query<{ t: string; a: string; l: string }>(
    `SELECT table_name AS t, attribute_name AS a, lineage AS l FROM ${db.quoteIdent(schema)}.${db.quoteIdent('~lineage')}`);
  return rows.map((r): [string, string, string] => [r.t, r.a, r.l]).sort(compareTuples);
}

export function compareTuples(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

// ---------------------------------------------------------------------------------------------
// Object store of a corpus

/** The files of a corpus's `store.tar.gz` (a plain ustar archive): relative path → bytes. */
export function readCorpusStore(name: CorpusName): Map<string, Uint8Array> {
  const tar = gunzipSync(readFileSync(path.join(CORPUS_DIR, name, 'store.tar.gz')));
  const files = new Map<string, Uint8Array>();
  const text = (from: number, length: number): string => {
    const raw = tar.subarray(from, from + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
  };
  for (let at = 0; at + 512 <= tar.length;) {
    const name = text(at, 100);
    if (name === '') break;
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = text(at + 156, 1);
    const prefix = text(at + 345, 155);
    const full = (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, '');
    if (type === '0' || type === '') files.set(full, new Uint8Array(tar.subarray(at + 512, at + 512 + size)));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
