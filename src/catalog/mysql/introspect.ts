/**
 * MariaDB/MySQL catalog: information_schema plus SHOW CREATE TABLE (reference §1.5.1). One query
 * per catalog view and schema, so a schema of a hundred tables costs a handful of round trips
 * plus one SHOW CREATE TABLE each.
 */
import type { Database } from '../../db/types.js';
import type { FkAction, Index } from '../model.js';
import { parseComment } from '../types.js';
import {
  groupBy, num, str, strOrNull,
  type IntrospectedColumn, type IntrospectedSchema, type IntrospectedTable,
} from '../introspected.js';

const SYSTEM_SCHEMAS = new Set(['mysql', 'sys', 'information_schema', 'performance_schema']);

export async function listMysqlSchemas(db: Database): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME');
  return rows.map((r) => str(r.name)).filter((n) => !SYSTEM_SCHEMAS.has(n));
}

export async function introspectMysqlSchema(db: Database, schema: string): Promise<IntrospectedSchema> {
  const [meta] = await db.query(
    `SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation
     FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`, [schema]);
  const tables = await db.query(
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, TABLE_COLLATION AS collation,
            AUTO_INCREMENT AS auto_increment, TABLE_COMMENT AS comment
     FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, [schema]);
  const columns = await db.query(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, ORDINAL_POSITION AS position,
            COLUMN_DEFAULT AS col_default, IS_NULLABLE AS nullable, DATA_TYPE AS data_type,
            COLUMN_TYPE AS column_type, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation,
            EXTRA AS extra, COLUMN_COMMENT AS comment, NUMERIC_PRECISION AS num_precision,
            NUMERIC_SCALE AS num_scale, DATETIME_PRECISION AS dt_precision,
            CHARACTER_MAXIMUM_LENGTH AS char_length
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`, [schema]);
  const keys = await db.query(
    `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col,
            k.REFERENCED_TABLE_SCHEMA AS ref_schema, k.REFERENCED_TABLE_NAME AS ref_table,
            k.REFERENCED_COLUMN_NAME AS ref_col, r.UPDATE_RULE AS on_update, r.DELETE_RULE AS on_delete
     FROM information_schema.KEY_COLUMN_USAGE k
     LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      AND r.TABLE_NAME = k.TABLE_NAME
     WHERE k.TABLE_SCHEMA = ?
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`, [schema]);
  // MySQL 8 reports functional index parts in EXPRESSION; MariaDB has no such column.
  const hasExpression = (await db.query(
    `SELECT COUNT(*) AS n FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = 'STATISTICS' AND COLUMN_NAME = 'EXPRESSION'`))[0];
  const expr = Number(hasExpression?.n ?? 0) > 0 ? 'EXPRESSION' : 'NULL';
  const stats = await db.query(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS name, NON_UNIQUE AS non_unique,
            COLUMN_NAME AS col, SUB_PART AS sub_part, ${expr} AS expression
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, [schema]);

  const colsByTable = groupBy(columns, (r) => str(r.table_name));
  const keysByTable = groupBy(keys, (r) => str(r.table_name));
  const statsByTable = groupBy(stats, (r) => str(r.table_name));

  const out: IntrospectedTable[] = [];
  for (const t of tables) {
    const name = str(t.name);
    const type = str(t.type);
    const relationKind = type === 'BASE TABLE' ? 'table' : type === 'VIEW' ? 'view' : 'other';
    const tableKeys = keysByTable.get(name) ?? [];
    const primaryKey = tableKeys.filter((k) => str(k.name) === 'PRIMARY').map((k) => str(k.col));
    const fkRows = groupBy(tableKeys.filter((k) => k.ref_table !== null && k.ref_table !== undefined), (k) => str(k.name));
    const foreignKeys = [...fkRows.entries()].map(([fkName, rows]) => ({
      name: fkName,
      columns: rows.map((r) => str(r.col)),
      refSchema: str(rows[0].ref_schema),
      refTable: str(rows[0].ref_table),
      refColumns: rows.map((r) => str(r.ref_col)),
      onUpdate: action(rows[0].on_update),
      onDelete: action(rows[0].on_delete),
    }));
    const indexes: Index[] = [...groupBy((statsByTable.get(name) ?? []).filter((s) => str(s.name) !== 'PRIMARY'), (s) => str(s.name)).entries()]
      .map(([indexName, rows]) => {
        const expressions = rows.map((r) => strOrNull(r.expression));
        const subParts = rows.map((r) => num(r.sub_part) ?? null);
        const index: Index = {
          name: indexName,
          unique: Number(rows[0].non_unique) === 0,
          columns: rows.map((r) => strOrNull(r.col)),
        };
        if (subParts.some((p) => p !== null)) index.subParts = subParts;
        if (expressions.some((e) => e !== null)) index.expressions = expressions;
        return index;
      });
    const cols: IntrospectedColumn[] = (colsByTable.get(name) ?? []).map((c) => {
      const comment = str(c.comment);
      const { type: markerType, userComment } = parseComment(comment);
      const extra = str(c.extra);
      const colName = str(c.name);
      const column: IntrospectedColumn = {
        name: colName,
        position: Number(c.position),
        sqlType: str(c.column_type),
        dataType: str(c.data_type).toLowerCase(),
        nullable: str(c.nullable) === 'YES',
        default: strOrNull(c.col_default),
        extra,
        comment,
        userComment,
        charset: strOrNull(c.charset),
        collation: strOrNull(c.collation),
        markerType,
        hidden: colName.startsWith('_'),
        autoIncrement: /auto_increment/i.test(extra),
      };
      const precision = num(c.num_precision);
      const scale = num(c.num_scale);
      if (column.dataType === 'decimal' || column.dataType === 'numeric') {
        column.precision = precision;
        column.scale = scale;
      }
      if (['datetime', 'timestamp', 'time'].includes(column.dataType)) column.fsp = num(c.dt_precision) ?? 0;
      const length = num(c.char_length);
      if ((column.dataType === 'char' || column.dataType === 'varchar') && length !== undefined) column.length = length;
      return column;
    });
    let createSql = '';
    if (relationKind === 'table') {
      const [row] = await db.query(`SHOW CREATE TABLE ${db.quoteIdent(schema)}.${db.quoteIdent(name)}`);
      createSql = stripAutoIncrement(str(row['Create Table']));
    }
    out.push({
      schema,
      name,
      relationKind,
      comment: str(t.comment),
      columns: cols,
      primaryKey,
      foreignKeys,
      indexes,
      engine: strOrNull(t.engine) ?? undefined,
      collation: strOrNull(t.collation),
      autoIncrement: t.auto_increment === null || t.auto_increment === undefined ? null : str(t.auto_increment),
      createSql,
      postSql: [],
    });
  }
  return {
    name: schema,
    charset: strOrNull(meta?.charset),
    collation: strOrNull(meta?.collation),
    enumTypes: [],
    tables: out,
  };
}

/** The AUTO_INCREMENT counter is recorded on its own; the DDL text must not carry it. */
export function stripAutoIncrement(createSql: string): string {
  return createSql.replace(/ AUTO_INCREMENT=\d+/, '');
}

function action(v: unknown): FkAction {
  const s = str(v).toUpperCase();
  if (s === 'CASCADE' || s === 'RESTRICT' || s === 'NO ACTION' || s === 'SET NULL' || s === 'SET DEFAULT') return s;
  return 'RESTRICT';
}
