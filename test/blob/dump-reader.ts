/**
 * Test-only readers for the harness corpora: the plain SQL of `mysqldump --hex-blob` and of
 * `pg_dump` (COPY blocks), and the object-store tarball. Just enough SQL to find tables,
 * their columns with comments, and their rows; not a general SQL parser.
 */
import { gunzipSync } from 'node:zlib';

/** A column value as the dump spells it: SQL NULL, text (numbers stay text), or binary. */
export type DumpValue = null | string | Uint8Array;

export interface DumpColumn {
  name: string;
  /** The column comment (MySQL: inline `COMMENT '…'`; PostgreSQL: `COMMENT ON COLUMN`), or null. */
  comment: string | null;
  /** The SQL type as declared (first word(s) after the name), lower-case. */
  sqlType: string;
}

export interface DumpTable {
  schema: string;
  name: string;
  columns: DumpColumn[];
  rows: DumpValue[][];
}

export class DumpSyntaxError extends Error {}

// ---------------------------------------------------------------------------------- MySQL

/** Reads `mysqldump --databases … --hex-blob` output. Rows are in CREATE TABLE column order. */
export function readMysqlDump(sql: string): DumpTable[] {
  const tables = new Map<string, DumpTable>();
  let schema = '';
  let i = 0;
  while (i < sql.length) {
    const eol = sql.indexOf('\n', i);
    const lineEnd = eol < 0 ? sql.length : eol;
    const line = sql.slice(i, lineEnd);
    const use = /^USE `((?:[^`]|``)+)`;/.exec(line);
    if (use) schema = use[1].replace(/``/g, '`');
    const create = /^CREATE TABLE `((?:[^`]|``)+)` \($/.exec(line);
    if (create) {
      const [table, next] = readMysqlCreate(sql, lineEnd + 1, schema, create[1].replace(/``/g, '`'));
      tables.set(`${schema}.${table.name}`, table);
      i = next;
      continue;
    }
    const insert = /^INSERT INTO `((?:[^`]|``)+)` VALUES\s*/.exec(sql.slice(i, Math.min(sql.length, i + 300)));
    if (insert) {
      const name = insert[1].replace(/``/g, '`');
      const table = tables.get(`${schema}.${name}`);
      if (!table) throw new DumpSyntaxError(`INSERT into ${schema}.${name} before its CREATE TABLE`);
      i = readMysqlValues(sql, i + insert[0].length, table);
      continue;
    }
    i = lineEnd + 1;
  }
  return [...tables.values()];
}

function readMysqlCreate(sql: string, from: number, schema: string, name: string): [DumpTable, number] {
  const columns: DumpColumn[] = [];
  let i = from;
  for (;;) {
    const eol = sql.indexOf('\n', i);
    if (eol < 0) throw new DumpSyntaxError(`unterminated CREATE TABLE ${name}`);
    const line = sql.slice(i, eol);
    i = eol + 1;
    if (line.startsWith(')')) break;
    const col = /^ {2}`((?:[^`]|``)+)` (\S+(?: unsigned)?)/.exec(line);
    if (!col) continue; // keys, constraints
    const comment = / COMMENT '((?:[^'\\]|''|\\.)*)'/.exec(line);
    columns.push({
      name: col[1].replace(/``/g, '`'),
      sqlType: col[2].toLowerCase(),
      comment: comment ? unquoteMysql(comment[1]) : null,
    });
  }
  return [{ schema, name, columns, rows: [] }, i];
}

const MYSQL_ESCAPES: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };

function unquoteMysql(body: string): string {
  return body.replace(/''|\\(.)/gs, (m, c: string | undefined) => (m === "''" ? "'" : MYSQL_ESCAPES[c as string] ?? (c as string)));
}

const HEX_DIGITS = /[0-9A-Fa-f]*/y;
const QUOTE_OR_ESCAPE = /['\\]/g;

/** Parses `(v, …),(…);` starting at `i`; returns the index after the terminating `;`. */
function readMysqlValues(sql: string, i: number, table: DumpTable): number {
  const skipSpace = (): void => { while (/\s/.test(sql[i] ?? '')) i++; };
  for (;;) {
    skipSpace();
    if (sql[i] !== '(') throw new DumpSyntaxError(`expected ( at ${i} in ${table.name}`);
    i++;
    const row: DumpValue[] = [];
    for (;;) {
      skipSpace();
      const c = sql[i];
      if (c === "'") {
        let j = i + 1;
        let out = '';
        for (;;) {
          QUOTE_OR_ESCAPE.lastIndex = j;
          const q = QUOTE_OR_ESCAPE.exec(sql);
          if (!q) throw new DumpSyntaxError('unterminated string');
          out += sql.slice(j, q.index);
          j = q.index;
          if (sql[j] === '\\') { out += MYSQL_ESCAPES[sql[j + 1]] ?? sql[j + 1]; j += 2; continue; }
          if (sql[j + 1] === "'") { out += "'"; j += 2; continue; }
          i = j + 1;
          break;
        }
        row.push(out);
      } else if (sql.startsWith('0x', i)) {
        HEX_DIGITS.lastIndex = i + 2;
        HEX_DIGITS.test(sql);
        const end = HEX_DIGITS.lastIndex || i + 2;
        row.push(Buffer.from(sql.slice(i + 2, end), 'hex'));
        i = end;
      } else if (sql.startsWith('NULL', i)) {
        row.push(null);
        i += 4;
      } else {
        const m = /^[-+0-9.eE]+/.exec(sql.slice(i, i + 64));
        if (!m) throw new DumpSyntaxError(`unexpected ${JSON.stringify(sql.slice(i, i + 20))} in ${table.name}`);
        row.push(m[0]);
        i += m[0].length;
      }
      skipSpace();
      if (sql[i] === ',') { i++; continue; }
      if (sql[i] === ')') { i++; break; }
      throw new DumpSyntaxError(`expected , or ) at ${i} in ${table.name}`);
    }
    if (row.length !== table.columns.length) {
      throw new DumpSyntaxError(`${table.name}: row has ${row.length} values for ${table.columns.length} columns`);
    }
    table.rows.push(row);
    skipSpace();
    if (sql[i] === ',') { i++; continue; }
    if (sql[i] === ';') return i + 1;
    throw new DumpSyntaxError(`expected , or ; at ${i} in ${table.name}`);
  }
}

// ---------------------------------------------------------------------------------- PostgreSQL

/** Splits `a."b c".d` into its identifiers (quoted ones verbatim, bare ones lower-cased). */
export function splitPgName(s: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        const k = s.indexOf('"', j);
        if (k < 0) throw new DumpSyntaxError(`unterminated identifier in ${s}`);
        out += s.slice(j, k);
        if (s[k + 1] === '"') { out += '"'; j = k + 2; continue; }
        i = k + 1;
        break;
      }
      parts.push(out);
    } else {
      const m = /^[^."]+/.exec(s.slice(i))!;
      parts.push(m[0].toLowerCase());
      i += m[0].length;
    }
    if (s[i] === '.') i++;
    else if (i < s.length) throw new DumpSyntaxError(`bad qualified name ${s}`);
  }
  return parts;
}

const PG_NAME = String.raw`((?:"(?:[^"]|"")*"|[^\s."(]+)(?:\.(?:"(?:[^"]|"")*"|[^\s."(]+))*)`;

/** Unescapes one field of COPY text format; `\N` alone is NULL. */
export function unescapeCopyField(f: string): string | null {
  if (f === '\\N') return null;
  if (!f.includes('\\')) return f;
  return f.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x' && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<string, string>)[e] ?? e;
  });
}

/** Decodes PostgreSQL's hex bytea output `\x…`. */
export function parseBytea(text: string): Uint8Array {
  if (!text.startsWith('\\x')) throw new DumpSyntaxError('only hex bytea output is supported');
  return Buffer.from(text.slice(2), 'hex');
}

/**
 * Reads plain `pg_dump` output. Values are COPY text (unescaped); bytea columns (by their
 * declared type) are returned as bytes.
 */
export function readPgDump(sql: string): DumpTable[] {
  const tables = new Map<string, DumpTable>();
  const lines = sql.split('\n');
  const key = (parts: string[]): string => parts.join('\u0000');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    let m = new RegExp(`^CREATE TABLE ${PG_NAME} \\($`).exec(line);
    if (m) {
      const [schema, name] = splitPgName(m[1]);
      const columns: DumpColumn[] = [];
      for (n++; !lines[n].startsWith(')'); n++) {
        const c = /^ {4}("(?:[^"]|"")*"|[^\s"]+) (.+?),?$/.exec(lines[n]);
        if (!c || /^CONSTRAINT$/i.test(c[1])) continue;
        columns.push({ name: splitPgName(c[1])[0], sqlType: c[2].toLowerCase(), comment: null });
      }
      tables.set(key([schema, name]), { schema, name, columns, rows: [] });
      continue;
    }
    m = new RegExp(`^COMMENT ON COLUMN ${PG_NAME} IS '((?:[^']|'')*)';$`).exec(line);
    if (m) {
      const [schema, name, column] = splitPgName(m[1]);
      const col = tables.get(key([schema, name]))?.columns.find((c) => c.name === column);
      if (col) col.comment = m[2].replace(/''/g, "'");
      continue;
    }
    m = new RegExp(`^COPY ${PG_NAME} \\((.*)\\) FROM stdin;$`).exec(line);
    if (m) {
      const [schema, name] = splitPgName(m[1]);
      const table = tables.get(key([schema, name]));
      if (!table) throw new DumpSyntaxError(`COPY into ${schema}.${name} before its CREATE TABLE`);
      const names = m[2].split(', ').map((s) => splitPgName(s)[0]);
      const order = names.map((c) => table.columns.findIndex((x) => x.name === c));
      if (order.includes(-1)) throw new DumpSyntaxError(`COPY ${name}: unknown column in ${m[2]}`);
      for (n++; lines[n] !== '\\.'; n++) {
        const fields = lines[n].split('\t');
        if (fields.length !== names.length) throw new DumpSyntaxError(`COPY ${name}: ${fields.length} fields`);
        const row = new Array<DumpValue>(table.columns.length).fill(null);
        fields.forEach((f, k) => {
          const col = table.columns[order[k]];
          const v = unescapeCopyField(f);
          row[order[k]] = v !== null && col.sqlType.startsWith('bytea') ? parseBytea(v) : v;
        });
        table.rows.push(row);
      }
    }
  }
  return [...tables.values()];
}

/** Reads either dump flavour, gzipped or not. */
export function readDump(data: Uint8Array): { flavour: 'mysql' | 'postgres'; tables: DumpTable[] } {
  const plain = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : Buffer.from(data);
  const sql = plain.toString('utf8');
  if (/^--\s*PostgreSQL database dump/m.test(sql.slice(0, 2000))) return { flavour: 'postgres', tables: readPgDump(sql) };
  return { flavour: 'mysql', tables: readMysqlDump(sql) };
}

// ---------------------------------------------------------------------------------- tar

/** Regular files of a (gzipped) tar archive: ustar/GNU, with GNU long names and pax `path`. */
export function readTar(data: Uint8Array): Map<string, Uint8Array> {
  const tar = data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data;
  const files = new Map<string, Uint8Array>();
  const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8').replace(/\0.*$/s, '');
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(text(h.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = text(h.subarray(257, 263)).startsWith('ustar') ? text(h.subarray(345, 500)) : '';
    const name = longName ?? (prefix ? `${prefix}/` : '') + text(h.subarray(0, 100));
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') { longName = text(body); continue; }
    if (type === 'x') {
      const p = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(body).toString('utf8'));
      longName = p ? p[1] : undefined;
      continue;
    }
    longName = undefined;
    if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), body.slice());
  }
  return files;
}
