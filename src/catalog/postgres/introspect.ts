/**
 * PostgreSQL (and PGlite, which is PostgreSQL 18) catalog from pg_catalog (reference §1.5.2).
 * Queries work on PostgreSQL 15 and 18 alike: PG 18 lists NOT NULL constraints in
 * pg_constraint (contype 'n'), so every constraint query names the contypes it wants.
 * Array results come back as JSON text so no driver's array parser is involved.
 */
import type { Database } from '../../db/types.js';
import type { EnumType, FkAction, ForeignKey, Index } from '../model.js';
import { parseComment } from '../types.js';
import {
  groupBy, num, str, strOrNull,
  type IntrospectedColumn, type IntrospectedSchema, type IntrospectedTable,
} from '../introspected.js';

export async function listPostgresSchemas(db: Database): Promise<string[]> {
  const rows = await db.query(
    `SELECT nspname AS name FROM pg_namespace
     WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`);
  return rows.map((r) => str(r.name));
}

const FK_ACTIONS: Record<string, FkAction> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export async function introspectPostgresSchema(db: Database, schema: string): Promise<IntrospectedSchema> {
  const q = (s: string) => db.quoteIdent(s);
  const relations = await db.query(
    `SELECT c.relname AS name, c.relkind AS kind, obj_description(c.oid, 'pg_class') AS comment
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     ORDER BY c.relname`, [schema]);
  const columns = await db.query(
    `SELECT c.relname AS table_name, a.attname AS name, a.attnum AS position,
            format_type(a.atttypid, a.atttypmod) AS sql_type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS col_default, col_description(c.oid, a.attnum) AS comment,
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
            a.attidentity AS identity, a.attgenerated AS generated,
            ic.data_type AS data_type, ic.numeric_precision AS num_precision, ic.numeric_scale AS num_scale,
            ic.datetime_precision AS dt_precision, ic.character_maximum_length AS char_length,
            t.typtype AS typtype
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     LEFT JOIN pg_collation co ON co.oid = a.attcollation
     LEFT JOIN information_schema.columns ic
       ON ic.table_schema = n.nspname AND ic.table_name = c.relname AND ic.column_name = a.attname
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`, [schema]);
  const constraints = await db.query(
    `SELECT cl.relname AS table_name, con.conname AS name, con.contype AS type,
            fn.nspname AS ref_schema, fc.relname AS ref_table,
            con.confupdtype AS on_update, con.confdeltype AS on_delete,
            pg_get_constraintdef(con.oid) AS definition,
            (SELECT json_agg(a.attname ORDER BY k.o) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n)::text AS cols,
            (SELECT json_agg(a.attname ORDER BY k.o) FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n)::text AS ref_cols
     FROM pg_constraint con
     JOIN pg_class cl ON cl.oid = con.conrelid
     JOIN pg_namespace n ON n.oid = cl.relnamespace
     LEFT JOIN pg_class fc ON fc.oid = con.confrelid
     LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
     WHERE n.nspname = $1 AND con.contype IN ('p', 'f', 'u', 'c', 'x')
     ORDER BY cl.relname, con.conname`, [schema]);
  const indexes = await db.query(
    `SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS is_unique,
            pg_get_indexdef(ix.indexrelid) AS definition,
            (SELECT json_agg(a.attname ORDER BY k.o) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, o)
               LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n)::text AS cols,
            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x')) AS backs_constraint
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1
     ORDER BY t.relname, i.relname`, [schema]);
  const enums = await db.query(
    `SELECT t.typname AS name,
            (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)::text AS labels
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY t.typname`, [schema]);
  const sequences = await db.query(
    `SELECT t.relname AS table_name, a.attname AS col, s.relname AS name, ps.last_value AS last_value
     FROM pg_depend d
     JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
     JOIN pg_class t ON t.oid = d.refobjid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
     LEFT JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = s.relname
     WHERE n.nspname = $1 AND d.deptype IN ('a', 'i')
     ORDER BY t.relname, a.attname`, [schema]);

  const enumTypes: EnumType[] = enums.map((e) => ({ schema, name: str(e.name), labels: JSON.parse(str(e.labels) || '[]') as string[] }));
  const colsByTable = groupBy(columns, (r) => str(r.table_name));
  const consByTable = groupBy(constraints, (r) => str(r.table_name));
  const idxByTable = groupBy(indexes, (r) => str(r.table_name));
  const seqByTable = groupBy(sequences, (r) => str(r.table_name));

  const out: IntrospectedTable[] = [];
  for (const rel of relations) {
    const name = str(rel.name);
    const kind = str(rel.kind);
    const relationKind = kind === 'r' || kind === 'p' ? 'table' : kind === 'v' || kind === 'm' ? 'view' : 'other';
    const cons = consByTable.get(name) ?? [];
    const pk = cons.find((c) => str(c.type) === 'p');
    const primaryKey = pk ? (JSON.parse(str(pk.cols)) as string[]) : [];
    const foreignKeys: ForeignKey[] = cons.filter((c) => str(c.type) === 'f').map((c) => ({
      name: str(c.name),
      columns: JSON.parse(str(c.cols)) as string[],
      refSchema: str(c.ref_schema),
      refTable: str(c.ref_table),
      refColumns: JSON.parse(str(c.ref_cols)) as string[],
      onUpdate: FK_ACTIONS[str(c.on_update)] ?? 'NO ACTION',
      onDelete: FK_ACTIONS[str(c.on_delete)] ?? 'NO ACTION',
    }));
    const tableIndexes: Index[] = (idxByTable.get(name) ?? [])
      .filter((i) => !truthy(i.backs_constraint))
      .map((i) => {
        const cols = JSON.parse(str(i.cols) || '[]') as (string | null)[];
        const index: Index = { name: str(i.name), unique: truthy(i.is_unique), columns: cols, definition: str(i.definition) };
        if (cols.some((c) => c === null)) index.expressions = cols.map(() => null);
        return index;
      });
    const cols: IntrospectedColumn[] = (colsByTable.get(name) ?? []).map((c) => {
      const comment = str(c.comment);
      const { type: markerType, userComment } = parseComment(comment);
      const colName = str(c.name);
      const identity = str(c.identity);
      const generated = str(c.generated);
      const dataType = str(c.data_type).toLowerCase() || (str(c.typtype) === 'e' ? 'user-defined' : str(c.sql_type));
      const colDefault = strOrNull(c.col_default);
      const column: IntrospectedColumn = {
        name: colName,
        position: Number(c.position),
        sqlType: str(c.sql_type),
        dataType,
        nullable: !truthy(c.notnull),
        default: colDefault,
        extra: identity === 'a' ? 'identity always' : identity === 'd' ? 'identity by default' : generated === 's' ? 'generated stored' : '',
        comment,
        userComment,
        charset: null,
        collation: strOrNull(c.collation),
        markerType,
        hidden: colName.startsWith('_'),
        autoIncrement: identity !== '' || (colDefault !== null && /^nextval\(/.test(colDefault)),
      };
      if (dataType === 'numeric') {
        column.precision = num(c.num_precision);
        column.scale = num(c.num_scale);
      }
      if (dataType.startsWith('timestamp') || dataType.startsWith('time')) column.fsp = num(c.dt_precision) ?? 6;
      const length = num(c.char_length);
      if ((dataType === 'character' || dataType === 'character varying') && length !== undefined) column.length = length;
      return column;
    });
    const tableSequences = (seqByTable.get(name) ?? []).map((s) => ({
      column: str(s.col), name: str(s.name), lastValue: strOrNull(s.last_value),
    }));
    const table: IntrospectedTable = {
      schema,
      name,
      relationKind,
      comment: str(rel.comment),
      columns: cols,
      primaryKey,
      foreignKeys,
      indexes: tableIndexes,
      createSql: '',
      postSql: [],
    };
    if (tableSequences.length) table.sequences = tableSequences;
    if (relationKind === 'table') {
      const { createSql, postSql } = postgresDdl(schema, table, cons, q);
      table.createSql = createSql;
      table.postSql = postSql;
    }
    out.push(table);
  }
  return { name: schema, enumTypes, tables: out };
}

function truthy(v: unknown): boolean {
  return v === true || v === 't' || v === 'true' || v === 1 || v === '1';
}

/**
 * The table's DDL in DataJoint's shape (reference §1.5.2): columns, primary key and foreign keys
 * inline, then indexes and comments as separate statements. Check and unique/exclusion
 * constraints of non-DataJoint tables are kept from pg_get_constraintdef.
 */
function postgresDdl(
  schema: string,
  table: IntrospectedTable,
  cons: Record<string, unknown>[],
  q: (s: string) => string,
): { createSql: string; postSql: string[] } {
  const full = `${q(schema)}.${q(table.name)}`;
  const lines: string[] = table.columns.map((c) => {
    let line = `${q(c.name)} ${c.sqlType}`;
    if (c.collation) line += ` COLLATE ${q(c.collation)}`;
    if (c.extra === 'identity always') line += ' GENERATED ALWAYS AS IDENTITY';
    else if (c.extra === 'identity by default') line += ' GENERATED BY DEFAULT AS IDENTITY';
    if (!c.nullable) line += ' NOT NULL';
    if (c.default !== null && !c.extra.startsWith('identity')) {
      line += c.extra === 'generated stored' ? ` GENERATED ALWAYS AS (${c.default}) STORED` : ` DEFAULT ${c.default}`;
    }
    return line;
  });
  if (table.primaryKey.length) lines.push(`PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`);
  for (const fk of table.foreignKeys) {
    lines.push(`CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.refSchema)}.${q(fk.refTable)} (${fk.refColumns.map(q).join(', ')}) ON UPDATE ${fk.onUpdate} ON DELETE ${fk.onDelete}`);
  }
  for (const c of cons.filter((x) => ['u', 'c', 'x'].includes(str(x.type)))) {
    lines.push(`CONSTRAINT ${q(str(c.name))} ${str(c.definition)}`);
  }
  const createSql = `CREATE TABLE ${full} (\n${lines.join(',\n')}\n)`;
  const postSql: string[] = table.indexes.map((i) => `${i.definition};`.replace(/;;$/, ';'));
  if (table.comment) postSql.push(`COMMENT ON TABLE ${full} IS ${literal(table.comment)};`);
  for (const c of table.columns) {
    if (c.comment) postSql.push(`COMMENT ON COLUMN ${full}.${q(c.name)} IS ${literal(c.comment)};`);
  }
  return { createSql, postSql };
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
