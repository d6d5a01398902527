/**
 * MySQL ⇄ PostgreSQL: every table declared on the target the way DataJoint 2.3.2 declares it
 * there (reference §1.5, §2.1), from the DataJoint types the snapshot records:
 * - attributes: core types and codecs through the target's mapping, the comment (with its
 *   `:type:` marker) inline on MySQL or as COMMENT ON COLUMN on PostgreSQL;
 * - foreign-key columns: the parent's target type; on MySQL the parent's comment without its
 *   marker (`:uuid:` kept), on PostgreSQL no comment (declare.py compile_foreign_key);
 * - hidden columns (`_singleton`, `_job_*`) and `~lineage` as DataJoint declares them per backend;
 * - indexes inline on MySQL; on PostgreSQL `CREATE INDEX "idx_<table>_<cols>"` for declared indexes
 *   only: DataJoint 2.3.2 adds no foreign-key support indexes on PostgreSQL (that came later, #1512),
 *   and InnoDB's implicit foreign-key indexes of a MySQL source are not carried over;
 * - PostgreSQL enum types `enum_<md5>` created in the table's schema, FK columns using the
 *   parent's type.
 * Native types map to their exact counterpart or are reported as lossy with the closest type.
 */
import type { Column, ForeignKey } from '../catalog/model.js';
import { coreTypeOf, kindOf, parseComment } from '../catalog/types.js';
import type { Family } from '../db/types.js';
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import type { ValueKind } from '../values/kinds.js';
import {
  parseMysqlCatalogDefault, parsePostgresDefault, renderDefault, type DefaultValue,
} from './defaults.js';
import { parseEnumLabels, postgresEnumLabels } from './enums.js';
import { tableConstraints } from './constraints.js';
import { DdlError } from './errors.js';
import { mysqlCreateTable, type MyIndexModel } from './mysql-emit.js';
import { parseMysqlCreateColumns, type MysqlColumnClauses } from './mysql-create.js';
import {
  clipIdentifier, postgresCreateIndex, postgresIndexName, postgresTableStatements, type PgColumnModel,
} from './postgres-emit.js';
import { parseQualifiedName } from './sql/names.js';
import { qualifiedName, quoteIdent, stringLiteral } from './sql/quote.js';
import { isWord, significant, tokenize } from './sql/tokens.js';
import {
  coreTargetType, declaredTargetType, familyName, foreignKeyChildType, nativeTargetType,
  type TargetType, type TypeContext,
} from './type-map.js';
import type { DdlOptions, LossyColumn, PlannedColumn, TablePlan, ValueCondition } from './types.js';

interface TColumn {
  source: Column;
  /** a foreign-key column, declared from its parent */
  inherited: boolean;
  type: TargetType;
  djType: string | null;
  kind: ValueKind;
  nullable: boolean;
  defaultSql: string | null;
  comment: string | null;
  autoIncrement: boolean;
  /** what cannot be carried exactly; a problem with a condition depends on the values only */
  problems: Problem[];
}

interface Problem {
  text: string;
  condition?: ValueCondition;
}

/** The condition of a column's problems: only when every problem depends on the values, and on the same check. */
function overallCondition(problems: Problem[]): ValueCondition | undefined {
  const first = problems[0]?.condition;
  if (!first) return undefined;
  return problems.every((p) => p.condition && JSON.stringify(p.condition) === JSON.stringify(first)) ? first : undefined;
}

interface SourceTable {
  schema: SchemaManifest;
  table: TableManifest;
}

/** DataJoint's job metadata columns per backend (adapters/*.py job_metadata_columns). */
const JOB_COLUMNS: Record<string, Record<Family, TargetType & { defaultSql: string }>> = {
  _job_start_time: {
    mysql: { sqlType: 'datetime(3)', dataType: 'datetime', fsp: 3, defaultSql: 'NULL' },
    postgres: { sqlType: 'timestamp', dataType: 'timestamp without time zone', fsp: 6, defaultSql: 'NULL' },
  },
  _job_duration: {
    mysql: { sqlType: 'float', dataType: 'float', defaultSql: 'NULL' },
    postgres: { sqlType: 'real', dataType: 'real', defaultSql: 'NULL' },
  },
  _job_version: {
    mysql: { sqlType: 'varchar(64)', dataType: 'varchar', defaultSql: "''" },
    postgres: { sqlType: 'varchar(64)', dataType: 'character varying', defaultSql: "''" },
  },
};

const SINGLETON_COMMENT = ':bool:singleton primary key';

/** DataJoint's `~lineage` columns (lineage.py ensure_lineage_table). */
const LINEAGE_COLUMNS = [
  { name: 'table_name', length: 64, comment: 'table name within the schema' },
  { name: 'attribute_name', length: 64, comment: 'attribute name' },
  { name: 'lineage', length: 255, comment: 'origin: schema.table.attribute' },
];

const DATAJOINT_TIERS = new Set(['manual', 'lookup', 'imported', 'computed', 'part', 'jobs', 'lineage']);

const key = (...parts: string[]) => parts.join('\u0000');

export class CrossFamilyPlanner {
  readonly lossy: LossyColumn[] = [];
  private readonly source: Family;
  private readonly target: Family;
  private readonly tables = new Map<string, SourceTable>();
  private readonly memo = new Map<string, TColumn>();
  private readonly inProgress = new Set<string>();
  private readonly mysqlClauses = new Map<string, Map<string, MysqlColumnClauses>>();
  /** target schema → enum type name → labels, in first-use order */
  private readonly enumTypes = new Map<string, Map<string, string[]>>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly manifests: SchemaManifest[],
    private readonly options: DdlOptions,
    private readonly targetOf: (schema: string) => string,
  ) {
    this.source = options.sourceFamily;
    this.target = options.targetFamily;
    for (const s of manifests) for (const t of s.tables) this.tables.set(key(s.name, t.name), { schema: s, table: t });
  }

  schemaStatements(s: SchemaManifest): string[] {
    const name = this.targetOf(s.name);
    if (this.target === 'mysql') return [`CREATE DATABASE ${quoteIdent(name, 'mysql')}`];
    const out = [`CREATE SCHEMA ${quoteIdent(name, 'postgres')}`];
    for (const [typeName, labels] of this.enumTypes.get(name) ?? []) {
      out.push(`CREATE TYPE ${qualifiedName(name, typeName, 'postgres')} AS ENUM (${postgresEnumLabels(labels)})`);
    }
    return out;
  }

  planTable(s: SchemaManifest, t: TableManifest): TablePlan {
    const targetSchema = this.targetOf(s.name);
    this.checkIdentifier(s, t, t.name);
    for (const c of t.columns) this.checkIdentifier(s, t, c.name);
    if (t.tier === 'lineage' && isDataJointLineage(t)) return this.lineageTable(s, t, targetSchema);

    const columns = t.columns.map((c) => this.resolve(s, t, c));
    this.keyColumnsFit(t, columns);
    const foreignKeys = declarationOrder(t).map((fk) => ({
      columns: fk.columns, refSchema: this.targetOf(fk.refSchema), refTable: fk.refTable,
      refColumns: fk.refColumns, onUpdate: fk.onUpdate, onDelete: fk.onDelete,
    }));
    const indexes = this.indexesOf(s, t, columns);
    this.constraintsOf(s, t, columns, indexes);
    // InnoDB's implicit FK indexes: recreated by InnoDB on MySQL, declared by nobody on PostgreSQL.
    if (this.target === 'mysql' || this.source === 'mysql') dropImplicitForeignKeyIndexes(t, indexes);
    if (this.target === 'mysql') this.singleAutoIncrement(t, columns);
    for (const c of columns) this.report(s, t, c);
    const plannedColumns: PlannedColumn[] = columns.map((c) => ({
      name: c.source.name, sqlType: c.type.sqlType, kind: c.kind, generated: false, identityAlways: false,
    }));
    const afterLoad = this.autoIncrementAfterLoad(t, targetSchema, columns);

    if (this.target === 'mysql') {
      const sql = mysqlCreateTable({
        schema: targetSchema, name: t.name,
        columns: columns.map((c) => ({
          name: c.source.name, sqlType: c.type.sqlType, nullable: c.nullable, defaultSql: c.defaultSql,
          autoIncrement: c.autoIncrement, comment: c.comment,
        })),
        primaryKey: t.primaryKey, foreignKeys, indexes, comment: t.comment,
      });
      return { schema: targetSchema, name: t.name, sourceSchema: s.name, create: [sql], afterLoad, columns: plannedColumns };
    }

    const indexSql = this.postgresIndexes(targetSchema, t, indexes);
    const statements = postgresTableStatements({
      schema: targetSchema, name: t.name,
      columns: columns.map((c): PgColumnModel => ({
        name: c.source.name, sqlType: c.type.sqlType, nullable: c.nullable, defaultSql: c.defaultSql,
        // DataJoint writes DEFAULT NULL on nullable attributes but no default on FK columns
        // (on PostgreSQL a varchar's `DEFAULT NULL` is kept in the catalog as NULL::character varying).
        identity: c.autoIncrement ? { always: false } : null, explicitNullDefault: !c.inherited,
      })),
      primaryKey: t.primaryKey, foreignKeys, constraints: [], before: [], indexes: indexSql,
      comment: t.comment,
      columnComments: columns.filter((c) => c.comment).map((c) => ({ column: c.source.name, comment: c.comment! })),
      after: [],
    });
    return { schema: targetSchema, name: t.name, sourceSchema: s.name, create: statements, afterLoad, columns: plannedColumns };
  }

  // ---------------------------------------------------------------------------------------------
  // Columns

  private resolve(s: SchemaManifest, t: TableManifest, c: Column): TColumn {
    const k = key(s.name, t.name, c.name);
    const done = this.memo.get(k);
    if (done) return done;
    if (this.inProgress.has(k)) return this.attribute(s, t, c, false);
    this.inProgress.add(k);
    try {
      const fk = originForeignKey(t, c.name);
      let out: TColumn | null = null;
      if (fk) {
        const parentTable = this.tables.get(key(fk.refSchema, fk.refTable));
        const parentColumn = parentTable?.table.columns.find((x) => x.name === fk.refColumns[fk.columns.indexOf(c.name)]);
        if (parentTable && parentColumn) {
          out = this.foreignKeyColumn(s, t, c, this.resolve(parentTable.schema, parentTable.table, parentColumn), `${fk.refSchema}.${fk.refTable}.${parentColumn.name}`);
        }
      }
      out ??= this.attribute(s, t, c, fk !== null);
      this.memo.set(k, out);
      return out;
    } finally {
      this.inProgress.delete(k);
    }
  }

  private typeContext(s: SchemaManifest, c: Column): TypeContext {
    return {
      source: this.source, target: this.target, flavor: this.options.targetFlavor,
      targetSchema: this.targetOf(s.name),
      enumLabels: () => this.enumLabels(s, c),
    };
  }

  private foreignKeyColumn(s: SchemaManifest, t: TableManifest, c: Column, parent: TColumn, parentName: string): TColumn {
    const type = foreignKeyChildType(parent.type, this.target);
    const djType = c.djType ?? parent.djType;
    let comment: string | null = null;
    if (this.target === 'mysql') {
      const { type: marker, userComment } = parseComment(parent.comment ?? '');
      comment = ((marker !== null && coreTypeOf(marker) === 'uuid' ? ':uuid:' : '') + userComment) || null;
    }
    const out: TColumn = {
      source: c, inherited: true, type, djType, kind: this.kindOn(djType, type), nullable: c.nullable,
      defaultSql: null, comment, autoIncrement: false,
      problems: parent.problems.length
        ? [{ text: `takes its type from ${parentName}, which cannot be carried exactly`, condition: overallCondition(parent.problems) }]
        : [],
    };
    this.applyDefault(s, t, c, out);
    return out;
  }

  private attribute(s: SchemaManifest, t: TableManifest, c: Column, inherited: boolean): TColumn {
    const ctx = this.typeContext(s, c);
    const job = c.hidden && c.djType === null ? JOB_COLUMNS[c.name] : undefined;
    let type: TargetType;
    let defaultSql: string | null = null;
    let fixedDefault = false;
    if (job) {
      const { defaultSql: d, ...rest } = job[this.target];
      type = rest;
      defaultSql = d;
      fixedDefault = true;
    } else if (c.name === '_singleton' && c.hidden) {
      type = coreTargetType('bool', 'bool', ctx);
      defaultSql = this.target === 'postgres' ? 'TRUE' : '1';
      fixedDefault = true;
    } else {
      type = declaredTargetType(c, ctx) ?? nativeTargetType(c, ctx);
    }
    if (type.enumType) this.registerEnum(type.enumType.schema, type.enumType.name, type.enumType.labels);
    const out: TColumn = {
      source: c, inherited, type, djType: c.djType, kind: this.kindOn(c.djType, type), nullable: c.nullable,
      defaultSql, comment: null, autoIncrement: false, problems: [],
    };
    if (type.problem) out.problems.push({ text: type.problem, condition: type.condition });
    this.checkFractionalSeconds(c, out);
    if (c.autoIncrement) this.autoIncrementColumn(out);
    const clauses = this.mysqlClausesOf(s, t).get(c.name);
    if (clauses?.onUpdate) out.problems.push({ text: `ON UPDATE ${clauses.onUpdate} has no PostgreSQL counterpart; dropped` });
    if (clauses?.generated || c.extra === 'generated stored' || /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(c.extra)) {
      out.problems.push({ text: 'a generated column; its expression is not translated, declared as a plain column holding the values' });
    } else if (!fixedDefault) {
      this.applyDefault(s, t, c, out);
    }
    out.comment = this.attributeComment(t, c, inherited);
    return out;
  }

  private attributeComment(t: TableManifest, c: Column, inherited: boolean): string | null {
    if (c.name === '_singleton' && c.hidden) return SINGLETON_COMMENT;
    if (!c.comment) return null;
    if (inherited) {
      // A foreign-key column whose parent is outside the snapshot: DataJoint's rule from its own comment.
      if (this.target === 'postgres') return null;
      const { type: marker, userComment } = parseComment(c.comment);
      return ((marker !== null && coreTypeOf(marker) === 'uuid') || c.djType === 'uuid' ? ':uuid:' : '') + userComment || null;
    }
    if (!DATAJOINT_TIERS.has(t.tier)) return c.comment;
    // DataJoint escapes `"` as `\"` in attribute comments; PostgreSQL keeps the backslash,
    // MySQL does not (reference §1.4). Write the comment as DataJoint would on the target.
    const { type: marker, userComment } = parseComment(c.comment);
    const prefix = marker !== null ? c.comment.slice(0, c.comment.length - userComment.length) : '';
    const user = this.target === 'postgres' ? userComment.replace(/"/g, '\\"') : userComment.replace(/\\"/g, '"');
    return prefix + user;
  }

  private applyDefault(s: SchemaManifest, t: TableManifest, c: Column, out: TColumn): void {
    if (out.autoIncrement) return;
    const d = this.sourceDefault(s, t, c);
    if (d === null || d.kind === 'null') return;
    const { sql, problem } = renderDefault(d, {
      family: this.target, kind: out.kind, fsp: out.type.fsp, textLike: out.type.textLike, flavor: this.options.targetFlavor,
    });
    if (problem) out.problems.push({ text: problem });
    out.defaultSql = sql;
  }

  private sourceDefault(s: SchemaManifest, t: TableManifest, c: Column): DefaultValue | null {
    if (this.source === 'postgres') return parsePostgresDefault(c.default);
    const clauses = this.mysqlClausesOf(s, t).get(c.name);
    if (clauses) return clauses.default;
    return parseMysqlCatalogDefault(c.default, c.extra);
  }

  private mysqlClausesOf(s: SchemaManifest, t: TableManifest): Map<string, MysqlColumnClauses> {
    if (this.source !== 'mysql' || !t.createSql) return new Map();
    const k = key(s.name, t.name);
    let m = this.mysqlClauses.get(k);
    if (!m) {
      m = parseMysqlCreateColumns(t.createSql);
      this.mysqlClauses.set(k, m);
    }
    return m;
  }

  private kindOn(djType: string | null, type: TargetType): ValueKind {
    return kindOf(djType, { family: this.target, dataType: type.dataType, sqlType: type.sqlType });
  }

  /** A datetime column that keeps fewer fractional digits on the target (e.g. PostgreSQL `datetime` is timestamp(6), MySQL's is datetime(0)). */
  private checkFractionalSeconds(c: Column, out: TColumn): void {
    if (out.type.fsp === undefined || (c.kind !== 'datetime' && c.kind !== 'time')) return;
    const sourceFsp = c.fsp ?? (this.source === 'postgres' ? 6 : 0);
    if (out.type.fsp >= sourceFsp) return;
    out.problems.push({
      text: `${familyName(this.source)} keeps ${sourceFsp} fractional-second digits, ${out.type.sqlType} on ${familyName(this.target)} keeps ${out.type.fsp}: finer values are rounded`,
      condition: { kind: 'fractional-seconds', digits: out.type.fsp },
    });
  }

  private autoIncrementColumn(out: TColumn): void {
    const integer = ['tinyint', 'smallint', 'int', 'integer', 'bigint'].includes(out.type.dataType);
    if (!integer) {
      out.problems.push({ text: `an auto-increment column whose target type ${out.type.sqlType} cannot generate values; declared without it` });
      return;
    }
    out.autoIncrement = true;
    out.problems.push({
      text: this.target === 'postgres'
        ? 'auto_increment: DataJoint declares no auto-increment on PostgreSQL; declared as an identity column'
        : 'a sequence-backed column: declared AUTO_INCREMENT on MySQL',
    });
  }

  private enumLabels(s: SchemaManifest, c: Column): string[] | null {
    if (this.source === 'mysql') return parseEnumLabels(c.sqlType) ?? (c.djType ? parseEnumLabels(c.djType) : null);
    const parsed = parseQualifiedName(c.sqlType, 'postgres');
    if (parsed) {
      const candidates = parsed.schema !== null ? [parsed.schema] : [s.name, 'public'];
      for (const name of candidates) {
        const found = this.manifests.find((m) => m.name === name)?.enumTypes.find((e) => e.name === parsed.name);
        if (found) return found.labels;
      }
    }
    return c.djType ? dataJointEnumLabels(c.djType) : null;
  }

  private registerEnum(schema: string, name: string, labels: string[]): void {
    let m = this.enumTypes.get(schema);
    if (!m) {
      m = new Map();
      this.enumTypes.set(schema, m);
    }
    // DataJoint ignores the error of a second CREATE TYPE: the first declaration wins.
    if (!m.has(name)) m.set(name, labels);
  }

  /**
   * MySQL keys cannot hold TEXT/BLOB columns; a PostgreSQL text/bytea key column becomes a
   * bounded varchar/varbinary (values longer than that do not fit).
   */
  private keyColumnsFit(t: TableManifest, columns: TColumn[]): void {
    if (this.target !== 'mysql') return;
    const keyed = new Set<string>(t.primaryKey);
    for (const fk of t.foreignKeys) fk.columns.forEach((x) => keyed.add(x));
    for (const i of t.indexes) if (i.unique) i.columns.forEach((x) => x !== null && keyed.add(x));
    for (const c of columns) {
      if (!keyed.has(c.source.name) || !c.type.textLike) continue;
      const bytes = c.kind === 'bytes';
      c.type = { sqlType: bytes ? 'varbinary(255)' : 'varchar(255)', dataType: bytes ? 'varbinary' : 'varchar' };
      c.kind = this.kindOn(c.djType, c.type);
      c.problems.push({
        text: `a key column: MySQL cannot key ${bytes ? 'BLOB' : 'TEXT'} columns; declared as ${c.type.sqlType}, longer values do not fit`,
        condition: { kind: 'max-length', length: 255 },
      });
    }
  }

  private report(s: SchemaManifest, t: TableManifest, c: TColumn): void {
    if (c.kind !== c.source.kind && !c.problems.length) {
      c.problems.push({ text: `values change kind from ${c.source.kind} to ${c.kind}` });
    }
    if (!c.problems.length) return;
    const k = key(s.name, t.name, c.source.name);
    if (this.reported.has(k)) return;
    this.reported.add(k);
    const entry: LossyColumn = { schema: s.name, table: t.name, column: c.source.name, problem: c.problems.map((p) => p.text).join('; ') };
    const condition = overallCondition(c.problems);
    if (condition) entry.condition = condition;
    this.lossy.push(entry);
  }

  private checkIdentifier(s: SchemaManifest, t: TableManifest, name: string): void {
    const limit = this.target === 'postgres' ? Buffer.byteLength(name, 'utf8') > 63 : [...name].length > 64;
    if (limit) {
      throw new DdlError('identifier_too_long',
        `${s.name}.${t.name}: the name ${JSON.stringify(name)} is longer than ${familyName(this.target)} allows (${this.target === 'postgres' ? '63 bytes' : '64 characters'}); it cannot be imported there under that name.`,
        { schema: s.name, table: t.name, name });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Indexes

  /** The source's secondary indexes that can be declared on the target. */
  private indexesOf(s: SchemaManifest, t: TableManifest, columns: TColumn[]): MyIndexModel[] {
    const out: MyIndexModel[] = [];
    const byName = new Map(columns.map((c) => [c.source.name, c]));
    for (const i of t.indexes) {
      const cols = i.columns;
      const listed = cols.map((c) => c ?? '(expression)').join(', ');
      if (cols.some((c) => c === null)) {
        this.lossyIndex(s, t, i.name, listed, 'an index on an expression cannot be translated; not created');
        continue;
      }
      if (this.source === 'postgres' && i.definition && isPartialIndex(i.definition)) {
        this.lossyIndex(s, t, i.name, listed, 'a partial index (WHERE …) cannot be declared on MySQL; not created');
        continue;
      }
      const names = cols as string[];
      if (i.subParts?.some((p) => p !== null)) {
        this.lossyIndex(s, t, i.name, listed, `MySQL prefix lengths (${i.subParts.map((p) => p ?? '-').join(', ')}) do not exist on PostgreSQL; the index covers whole columns`);
      }
      out.push({
        unique: i.unique,
        // MySQL indexes TEXT/BLOB columns only by a prefix.
        columns: names.map((n) => ({ name: n, prefix: this.target === 'mysql' && byName.get(n)?.type.textLike ? 255 : undefined })),
      });
    }
    return out;
  }

  private postgresIndexes(schema: string, t: TableManifest, indexes: MyIndexModel[]): string[] {
    const used = new Set<string>();
    const statements: string[] = [];
    const add = (cols: string[], unique: boolean) => {
      let name = postgresIndexName(t.name, cols);
      // Two indexes whose names agree in the first 30 characters of their columns would collide.
      for (let n = 2; used.has(name); n++) name = clipIdentifier(`${postgresIndexName(t.name, cols).slice(0, 58)}_${n}`);
      used.add(name);
      statements.push(postgresCreateIndex(schema, t.name, name, cols, unique));
    };
    for (const i of indexes) add(i.columns.map((c) => c.name), i.unique);
    return statements;
  }

  /**
   * Table constraints: a PostgreSQL UNIQUE constraint on plain columns becomes a unique index
   * (DataJoint's own form of uniqueness); CHECK and EXCLUDE constraints are reported, except the
   * `json_valid` CHECK that MariaDB attaches to every json column.
   */
  private constraintsOf(s: SchemaManifest, t: TableManifest, columns: TColumn[], indexes: MyIndexModel[]): void {
    const byName = new Map(columns.map((c) => [c.source.name, c]));
    for (const c of tableConstraints(t.createSql, this.source)) {
      if (c.kind === 'unique' && c.columns) {
        indexes.push({ unique: true, columns: c.columns.map((n) => ({ name: n, prefix: this.target === 'mysql' && byName.get(n)?.type.textLike ? 255 : undefined })) });
        continue;
      }
      if (c.kind === 'check' && c.column !== undefined && c.expression !== undefined
        && c.expression.replace(/\s+/g, '').toLowerCase() === `(json_valid(\`${c.column.toLowerCase()}\`))`) continue;
      const label = c.name ?? (c.column !== undefined ? `CHECK on ${c.column}` : c.kind.toUpperCase());
      this.lossy.push({
        schema: s.name, table: t.name, column: c.column ?? '', constraint: label,
        problem: `${c.kind === 'check' ? 'a CHECK' : 'an EXCLUDE'} constraint is not translated: ${c.sql}`,
      });
    }
  }

  /** MySQL allows one AUTO_INCREMENT column per table, and it must lead a key. */
  private singleAutoIncrement(t: TableManifest, columns: TColumn[]): void {
    const leading = new Set([t.primaryKey[0], ...t.indexes.map((i) => i.columns[0])]);
    let taken = false;
    for (const c of columns) {
      if (!c.autoIncrement) continue;
      if (!taken && leading.has(c.source.name)) {
        taken = true;
        continue;
      }
      c.autoIncrement = false;
      c.problems.push({ text: 'MySQL allows one AUTO_INCREMENT column per table, leading a key; declared without it' });
    }
  }

  private lossyIndex(s: SchemaManifest, t: TableManifest, index: string, columns: string, problem: string): void {
    this.lossy.push({ schema: s.name, table: t.name, column: columns, problem, index });
  }

  // ---------------------------------------------------------------------------------------------
  // Tables DataJoint declares itself

  private lineageTable(s: SchemaManifest, t: TableManifest, targetSchema: string): TablePlan {
    const columns: PlannedColumn[] = LINEAGE_COLUMNS.map((c) => ({
      name: c.name, sqlType: `varchar(${c.length})`, kind: 'string', generated: false, identityAlways: false,
    }));
    const pk = ['table_name', 'attribute_name'];
    if (this.target === 'mysql') {
      const sql = mysqlCreateTable({
        schema: targetSchema, name: t.name,
        columns: LINEAGE_COLUMNS.map((c) => ({ name: c.name, sqlType: `VARCHAR(${c.length})`, nullable: false, defaultSql: null, autoIncrement: false, comment: c.comment })),
        primaryKey: pk, foreignKeys: [], indexes: [], comment: '',
      });
      return { schema: targetSchema, name: t.name, sourceSchema: s.name, create: [sql], afterLoad: [], columns };
    }
    const statements = postgresTableStatements({
      schema: targetSchema, name: t.name,
      columns: LINEAGE_COLUMNS.map((c) => ({ name: c.name, sqlType: `VARCHAR(${c.length})`, nullable: false, defaultSql: null })),
      primaryKey: pk, foreignKeys: [], constraints: [], before: [], indexes: [], comment: null, columnComments: [], after: [],
    });
    return { schema: targetSchema, name: t.name, sourceSchema: s.name, create: statements, afterLoad: [], columns };
  }

  private autoIncrementAfterLoad(t: TableManifest, targetSchema: string, columns: TColumn[]): string[] {
    const out: string[] = [];
    for (const c of columns) {
      if (!c.autoIncrement) continue;
      if (this.target === 'postgres') {
        const table = qualifiedName(targetSchema, t.name, 'postgres');
        const col = quoteIdent(c.source.name, 'postgres');
        const counter = t.autoIncrement && /^\d+$/.test(t.autoIncrement) ? t.autoIncrement : '1';
        out.push(`SELECT setval(pg_get_serial_sequence(${stringLiteral(table, 'postgres')}, ${stringLiteral(c.source.name, 'postgres')}), GREATEST(${counter}, (SELECT COALESCE(MAX(${col}), 0) + 1 FROM ${table})), false)`);
      } else {
        const seq = t.sequences?.find((x) => x.column === c.source.name);
        if (seq?.lastValue && /^-?\d+$/.test(seq.lastValue)) {
          out.push(`ALTER TABLE ${qualifiedName(targetSchema, t.name, 'mysql')} AUTO_INCREMENT = ${BigInt(seq.lastValue) + 1n}`);
        }
      }
    }
    return out;
  }
}

/**
 * The foreign key that brought a column into the table: DataJoint adds an FK's new columns at
 * the position of its `->` line, so among the FKs holding the column, the one declared first is
 * the one whose columns end earliest.
 */
export function originForeignKey(t: TableManifest, column: string): ForeignKey | null {
  const position = new Map(t.columns.map((c) => [c.name, c.position]));
  let best: ForeignKey | null = null;
  let bestEnd = Infinity;
  for (const fk of t.foreignKeys) {
    if (!fk.columns.includes(column)) continue;
    const end = Math.max(...fk.columns.map((c) => position.get(c) ?? Infinity));
    if (end < bestEnd) {
      best = fk;
      bestEnd = end;
    }
  }
  return best;
}

/**
 * Foreign keys in the order DataJoint declared them: the catalogs list them by constraint name
 * (`t_ibfk_10` before `t_ibfk_2`; PostgreSQL `<table>_<column>_fkey`), but each `->` line adds its
 * new columns where it stands, so an earlier FK ends at an earlier column.
 */
export function declarationOrder(t: TableManifest): ForeignKey[] {
  const position = new Map(t.columns.map((c) => [c.name, c.position]));
  const end = (fk: ForeignKey) => Math.max(...fk.columns.map((c) => position.get(c) ?? Infinity));
  return t.foreignKeys.map((fk, i) => ({ fk, i })).sort((a, b) => end(a.fk) - end(b.fk) || a.i - b.i).map((x) => x.fk);
}

/**
 * On MySQL, InnoDB indexes every foreign key that no index serves yet, naming the index after
 * the FK's first column, exactly as DataJoint leaves it (it declares no such index). A
 * non-unique index on exactly an FK's columns that nothing else covers is such an index (on a
 * PostgreSQL source, DataJoint's FK support index): leave it to InnoDB so the table comes out
 * as DataJoint's own.
 */
function dropImplicitForeignKeyIndexes(t: TableManifest, indexes: MyIndexModel[]): void {
  for (const fk of t.foreignKeys) {
    const at = indexes.findIndex((i) => !i.unique && i.columns.every((c) => c.prefix === undefined)
      && sameList(i.columns.map((c) => c.name), fk.columns));
    if (at < 0) continue;
    const others = [t.primaryKey, ...indexes.filter((_i, n) => n !== at).map((i) => i.columns.map((c) => c.name))];
    if (others.some((p) => sameList(p.slice(0, fk.columns.length), fk.columns))) continue;
    indexes.splice(at, 1);
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isDataJointLineage(t: TableManifest): boolean {
  return sameList(t.columns.map((c) => c.name), LINEAGE_COLUMNS.map((c) => c.name));
}

function isPartialIndex(definition: string): boolean {
  const sig = significant(tokenize(definition, 'postgres'));
  let depth = 0;
  for (const { token } of sig) {
    if (token.kind === 'punct' && token.text === '(') depth++;
    else if (token.kind === 'punct' && token.text === ')') depth--;
    else if (depth === 0 && isWord(token, 'WHERE')) return true;
  }
  return false;
}

/** Labels as DataJoint's PostgreSQL adapter reads them from a declared `enum(…)`: split on commas, quotes stripped. */
function dataJointEnumLabels(djType: string): string[] | null {
  const m = /^enum\s*\((.+)\)$/is.exec(djType.trim());
  return m ? m[1].split(',').map((v) => v.trim().replace(/^['"]+|['"]+$/g, '')) : null;
}
