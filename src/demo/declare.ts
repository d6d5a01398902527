/**
 * A small, explicit re-enactment of DataJoint 2.3.2's `declare` for table definitions given as
 * data (definition.ts): for a family it produces the statements DataJoint sends, in its order —
 * PostgreSQL enum types, CREATE TABLE, PostgreSQL indexes and comments, the schema's `~lineage`
 * table and the lineage rows (reference §1.3–1.5, §2.4, §5.1; `dj: declare.py (declare,
 * prepare_declare, compile_attribute, compile_foreign_key, compile_index)`, `adapters/*.py`,
 * `table.py (Table.declare, _populate_lineage)`, `lineage.py`, `jobs.py`).
 *
 * It is not a DataJoint parser: tables are declared in order, each foreign key names a table
 * declared before, and constructs outside the fixtures' needs are refused with a clear error.
 * What DataJoint copies from a parent (column type and comment as read back from the
 * catalog, lineage) is taken from the earlier declaration, as DataJoint reads it back.
 */
import type { Family } from '../db/types.js';
import {
  classifyType, columnSqlType, isBlobSql, pgEnumTypeName, TypeClassificationError, typeAsRead,
  type AttributeType, type CoreType,
} from './datajoint-types.js';
import type { AttributeLine, ForeignKeyLine, IndexLine, TableDef } from './definition.js';
import { DeclarationError } from './errors.js';

export type DeclaredTier = 'manual' | 'lookup' | 'imported' | 'computed' | 'part' | 'jobs';

export interface DeclaredColumn {
  name: string;
  /** The column type as written in the CREATE TABLE statement. */
  sqlType: string;
  /** The type DataJoint reads back from the catalog; a foreign key copies this into children. */
  readType: string | null;
  nullable: boolean;
  inKey: boolean;
  /** `_singleton`, `_job_*`. */
  hidden: boolean;
  /** Copied from a parent's primary key by a foreign key. */
  inherited: boolean;
  /**
   * The DataJoint type where the attribute originates (a foreign-key column: its parent's
   * origin), which decides how values are stored. Hidden columns carry the core type
   * equivalent of their SQL type.
   */
  origin: AttributeType;
  /** The comment as the server stores it (MySQL unescapes `\"`; PostgreSQL keeps it), '' for none. */
  storedComment: string;
  /** The comment as DataJoint reads it: the stored comment without its `:type:` marker. */
  userComment: string;
  /** DataJoint's `uuid` flag as read back (a `:uuid:` marker), re-added to children's comments on MySQL. */
  uuidMarker: boolean;
  /** The default clause of the column definition (`NOT NULL DEFAULT '0'`), null when none. */
  defaultClause: string | null;
  /** This column's `~lineage` string, or null (native secondary attributes have none). */
  lineage: string | null;
}

export interface DeclaredForeignKey {
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  nullable: boolean;
  unique: boolean;
}

export interface DeclaredIndex {
  unique: boolean;
  columns: string[];
  /** PostgreSQL: the name DataJoint gives it (`idx_<table>_<cols>`); MySQL chooses its own. */
  name?: string;
}

export interface LineageRow {
  table: string;
  attribute: string;
  lineage: string;
}

export interface TableDeclaration {
  schema: string;
  name: string;
  tier: DeclaredTier;
  /** Part tables: the master's SQL table name. */
  master: string | null;
  comment: string;
  columns: DeclaredColumn[];
  primaryKey: string[];
  foreignKeys: DeclaredForeignKey[];
  indexes: DeclaredIndex[];
  /** PostgreSQL enum types this declaration creates (new in their schema). */
  enumTypes: { schema: string; name: string; labels: string[] }[];
  /** Statements before CREATE TABLE (PostgreSQL `CREATE TYPE`). */
  preDdl: string[];
  createTable: string;
  /** Statements after CREATE TABLE (PostgreSQL `CREATE INDEX`, `COMMENT ON`). */
  postDdl: string[];
  /** `CREATE TABLE IF NOT EXISTS … ~lineage` when this is the schema's first declaration, else null. */
  lineageTableDdl: string | null;
  /** The `~lineage` rows DataJoint writes for this table, in its order. */
  lineage: LineageRow[];
  /** Everything to run, in order, except the lineage rows (see `lineageInsert`). */
  statements: string[];
}

const TIER_PATTERNS: [DeclaredTier, RegExp][] = [
  ['manual', /^[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/],
  ['lookup', /^#[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/],
  ['computed', /^__[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/],
  ['imported', /^_[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/],
  ['part', /^(#|_|__)?[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*__[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/],
  ['jobs', /^~~[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$/],
];

export function tierOf(name: string): DeclaredTier | null {
  for (const [tier, re] of TIER_PATTERNS) if (re.test(name)) return tier;
  return null;
}

const SINGLETON_COMMENT = ':bool:singleton primary key';
const LINEAGE_TABLE = '~lineage';

/** Declares tables in order for one family, remembering what children and lineage need. */
export class Declarer {
  readonly family: Family;
  private readonly tables = new Map<string, TableDeclaration>();
  private readonly lineageTables = new Set<string>();
  private readonly enumTypes = new Set<string>();

  constructor(family: Family) {
    this.family = family;
  }

  quote(name: string): string {
    return this.family === 'mysql' ? `\`${name}\`` : `"${name}"`;
  }

  fullName(schema: string, table: string): string {
    return `${this.quote(schema)}.${this.quote(table)}`;
  }

  /** `CREATE DATABASE` (MySQL) / `CREATE SCHEMA` (PostgreSQL), as DataJoint creates a schema. */
  createSchemaSql(schema: string): string {
    return this.family === 'mysql' ? `CREATE DATABASE ${this.quote(schema)}` : `CREATE SCHEMA ${this.quote(schema)}`;
  }

  /** A table declared earlier by this declarer. */
  get(schema: string, table: string): TableDeclaration | undefined {
    return this.tables.get(`${schema}.${table}`);
  }

  /** The `~lineage` DDL exactly as `lineage.py (ensure_lineage_table)` builds it. */
  lineageTableSql(schema: string): string {
    const column = (name: string, type: string, comment: string): string =>
      this.family === 'mysql' ? `${this.quote(name)} ${type} NOT NULL COMMENT "${comment}"` : `${this.quote(name)} ${type} NOT NULL`;
    const columns = [
      column('table_name', 'VARCHAR(64)', 'table name within the schema'),
      column('attribute_name', 'VARCHAR(64)', 'attribute name'),
      column('lineage', 'VARCHAR(255)', 'origin: schema.table.attribute'),
      `PRIMARY KEY (${this.quote('table_name')}, ${this.quote('attribute_name')})`,
    ];
    return `CREATE TABLE IF NOT EXISTS ${this.fullName(schema, LINEAGE_TABLE)} (\n${columns.join(',\n')}\n) ${this.tableOptions('')}`;
  }

  /** One parameterised INSERT of lineage rows (placeholders of this family). */
  lineageInsert(schema: string, rows: LineageRow[]): { sql: string; params: string[] } {
    const params: string[] = [];
    const tuples = rows.map((r) => {
      const base = params.length;
      params.push(r.table, r.attribute, r.lineage);
      return this.family === 'mysql' ? '(?, ?, ?)' : `($${base + 1}, $${base + 2}, $${base + 3})`;
    });
    const cols = ['table_name', 'attribute_name', 'lineage'].map((c) => this.quote(c)).join(', ');
    return { sql: `INSERT INTO ${this.fullName(schema, LINEAGE_TABLE)} (${cols}) VALUES ${tuples.join(', ')}`, params };
  }

  /**
   * The definition DataJoint generates for the jobs table of an auto-populated table
   * (`jobs.py (Job._generate_definition)`): its primary-key attributes that come from primary
   * foreign keys, typed as read back from the catalog, plus the fixed job columns.
   */
  jobsTableDef(targetSchema: string, targetTable: string): TableDef {
    const target = this.get(targetSchema, targetTable);
    if (!target) throw new DeclarationError(`${targetSchema}.${targetTable}`, 'its jobs table needs the table declared first');
    const keyFkColumns = new Set(target.foreignKeys.filter((f) => f.columns.every((c) => target.primaryKey.includes(c))).flatMap((f) => f.columns));
    const key: AttributeLine[] = [];
    for (const name of target.primaryKey) {
      if (!keyFkColumns.has(name)) continue; // DataJoint warns and drops native key attributes
      const column = target.columns.find((c) => c.name === name);
      // original_type is set only by a marker; inherited columns keep only `:uuid:` (MySQL) or no comment (PostgreSQL).
      const type = column?.uuidMarker ? 'uuid' : column?.readType;
      if (!type) throw new DeclarationError(`${targetSchema}.${targetTable}`, `key attribute ${name} has no type DataJoint could read back`);
      key.push({ line: 'attribute', name, type });
    }
    if (key.length === 0) {
      throw new DeclarationError(`${targetSchema}.${targetTable}`, 'a jobs table needs primary-key attributes from foreign keys');
    }
    const a = (name: string, type: string, def?: string): AttributeLine =>
      ({ line: 'attribute', name, type, ...(def === undefined ? {} : { default: def }) });
    return {
      schema: targetSchema,
      name: `~~${targetTable.replace(/^_+/, '')}`,
      comment: `Job queue for ${this.fullName(targetSchema, targetTable)}`,
      key,
      body: [
        a('status', "enum('pending', 'reserved', 'success', 'error', 'ignore')"),
        a('priority', 'int8'),
        a('created_time', 'datetime(3)', 'CURRENT_TIMESTAMP(3)'),
        a('scheduled_time', 'datetime(3)', 'CURRENT_TIMESTAMP(3)'),
        a('reserved_time', 'datetime(3)', 'null'),
        a('completed_time', 'datetime(3)', 'null'),
        a('duration', 'float64', 'null'),
        a('error_message', 'varchar(2047)', '""'),
        a('error_stack', '<blob>', 'null'),
        a('user', 'varchar(255)', '""'),
        a('host', 'varchar(255)', '""'),
        a('pid', 'int32', '0'),
        a('connection_id', 'int64', '0'),
        a('version', 'varchar(64)', '""'),
        { line: 'index', columns: ['status', 'priority', 'scheduled_time'] },
      ],
    };
  }

  /** Declare one table; its foreign keys must name tables declared before. */
  declare(def: TableDef): TableDeclaration {
    const where = `${def.schema}.${def.name}`;
    if (this.tables.has(where)) throw new DeclarationError(where, 'it is declared twice');
    const tier = tierOf(def.name);
    if (!tier) throw new DeclarationError(where, 'its name matches no DataJoint tier (manual, #lookup, _imported, __computed, master__part, ~~jobs)');
    const maxLength = this.family === 'mysql' ? 64 : 63;
    if (def.name.length > maxLength) throw new DeclarationError(where, `the table name is longer than ${maxLength} characters`);
    const comment = (def.comment ?? '').trim();
    if (comment.startsWith(':')) throw new DeclarationError(where, 'a table comment must not start with ":"');
    rejectBraces(where, comment);
    if (this.family === 'mysql' && comment.includes('"')) throw new DeclarationError(where, 'a double quote in a table comment is copied unescaped into MySQL DDL');

    const state: BuildState = {
      where, schema: def.schema, table: def.name, attributeSql: [], columns: [], primaryKey: [], attributes: [],
      foreignKeySql: [], foreignKeys: [], indexSql: [], indexes: [], columnComments: [], fkAttributeMap: new Map(),
      pendingEnums: new Map(),
    };
    for (const line of def.key) {
      if (line.line === 'foreign-key') this.compileForeignKey(state, line, true);
      else this.compileAttribute(state, line, true);
    }
    for (const line of def.body ?? []) {
      if (line.line === 'foreign-key') this.compileForeignKey(state, line, false);
      else if (line.line === 'index') this.compileIndex(state, line);
      else this.compileAttribute(state, line, false);
    }

    if (def.jobMetadata) this.addJobMetadata(state);
    if (state.primaryKey.length === 0) this.addSingleton(state);

    const fullName = this.fullName(def.schema, def.name);
    const preDdl: string[] = [];
    const enumTypes: TableDeclaration['enumTypes'] = [];
    for (const [name, labels] of state.pendingEnums) {
      // DataJoint re-issues CREATE TYPE for every table and ignores the "already exists"
      // error; issuing it once per schema has the same effect without failing statements.
      const key = `${def.schema}.${name}`;
      if (this.enumTypes.has(key)) continue;
      this.enumTypes.add(key);
      enumTypes.push({ schema: def.schema, name, labels });
      preDdl.push(`CREATE TYPE ${this.fullName(def.schema, name)} AS ENUM (${labels.map((l) => `'${l}'`).join(', ')})`);
    }

    const pkClause = `PRIMARY KEY (${state.primaryKey.map((c) => this.quote(c)).join(', ')})`;
    const postDdl: string[] = [];
    let inlineIndexes: string[] = state.indexSql;
    if (this.family === 'postgres') {
      inlineIndexes = [];
      for (const idx of state.indexes) {
        idx.name = `idx_${def.name}_${idx.columns.join('_').slice(0, 30)}`;
        postDdl.push(`CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX ${this.quote(idx.name)} ON ${fullName} (${idx.columns.map((c) => this.quote(c)).join(', ')})`);
      }
    }
    const createTable = `CREATE TABLE IF NOT EXISTS ${fullName} (\n${[...state.attributeSql, pkClause, ...state.foreignKeySql, ...inlineIndexes].join(',\n')}\n) ${this.tableOptions(comment)}`;
    if (this.family === 'postgres') {
      postDdl.push(`COMMENT ON TABLE ${fullName} IS '${comment.replace(/'/g, "''")}'`);
      for (const [column, text] of state.columnComments) {
        postDdl.push(`COMMENT ON COLUMN ${fullName}.${this.quote(column)} IS '${text.replace(/'/g, "''")}'`);
      }
    }

    const lineage = this.lineageRows(state);
    for (const column of state.columns) column.lineage = lineage.find((r) => r.attribute === column.name)?.lineage ?? null;
    let lineageTableDdl: string | null = null;
    if (!this.lineageTables.has(def.schema)) {
      this.lineageTables.add(def.schema);
      lineageTableDdl = this.lineageTableSql(def.schema);
    }

    const declaration: TableDeclaration = {
      schema: def.schema,
      name: def.name,
      tier,
      master: tier === 'part' ? def.name.slice(0, def.name.lastIndexOf('__')) : null,
      comment,
      columns: state.columns,
      primaryKey: state.primaryKey,
      foreignKeys: state.foreignKeys,
      indexes: state.indexes,
      enumTypes,
      preDdl,
      createTable,
      postDdl,
      lineageTableDdl,
      lineage,
      statements: [...preDdl, createTable, ...postDdl, ...(lineageTableDdl ? [lineageTableDdl] : [])],
    };
    this.tables.set(where, declaration);
    return declaration;
  }

  private tableOptions(comment: string): string {
    if (this.family === 'postgres') return '';
    return comment ? `ENGINE=InnoDB, COMMENT "${comment}"` : 'ENGINE=InnoDB';
  }

  /** `adapter.format_column_definition`: PostgreSQL never puts comments inline. */
  private columnSql(name: string, sqlType: string, nullable: boolean, defaultClause: string | null, comment: string): string {
    const parts = [this.quote(name), sqlType];
    if (defaultClause) parts.push(defaultClause);
    else if (!nullable) parts.push('NOT NULL');
    if (comment && this.family === 'mysql') parts.push(`COMMENT "${comment}"`);
    return parts.join(' ');
  }

  /** What the server stores for a comment DataJoint wrote (its `\"` escaping survives only on PostgreSQL). */
  private storedComment(ddlComment: string): string {
    return this.family === 'mysql' ? ddlComment.replace(/\\"/g, '"') : ddlComment;
  }

  private compileAttribute(state: BuildState, line: AttributeLine, inKey: boolean): void {
    const where = `${state.where}.${line.name}`;
    if (line.name.startsWith('_')) throw new DeclarationError(state.where, `attribute ${line.name} starts with "_", which DataJoint reserves`);
    if (!/^[a-z][a-z0-9_]*$/.test(line.name)) throw new DeclarationError(state.where, `attribute name ${line.name} is not lower-case snake case`);
    if (state.attributes.includes(line.name)) return; // DataJoint silently keeps the first
    let type: AttributeType;
    try {
      type = classifyType(line.type);
    } catch (e) {
      if (e instanceof TypeClassificationError) throw new DeclarationError(where, e.message);
      throw e;
    }
    const defaultText = (line.default ?? '').trim();
    const nullable = defaultText.toLowerCase() === 'null';
    let defaultClause: string;
    if (nullable) {
      if (inKey) throw new DeclarationError(where, 'primary-key attributes cannot be nullable');
      defaultClause = 'DEFAULT NULL';
    } else if (defaultText) {
      rejectBraces(where, defaultText);
      const base = defaultText.split('(')[0].toUpperCase();
      if (base === 'CURRENT_TIMESTAMP' || base === 'NULL') defaultClause = `NOT NULL DEFAULT ${defaultText}`;
      else if (defaultText.length >= 2 && defaultText.startsWith('"') && defaultText.endsWith('"')) {
        defaultClause = `NOT NULL DEFAULT '${defaultText.slice(1, -1).replace(/'/g, "''")}'`;
      } else if (defaultText.startsWith("'")) defaultClause = `NOT NULL DEFAULT ${defaultText}`;
      else defaultClause = `NOT NULL DEFAULT '${defaultText}'`;
    } else defaultClause = 'NOT NULL';

    const userComment = (line.comment ?? '').trim();
    if (userComment.startsWith(':')) throw new DeclarationError(where, 'an attribute comment must not start with ":"');
    if (userComment.includes('\\')) throw new DeclarationError(where, 'a backslash in a comment is read as an escape by MySQL; leave it out');
    rejectBraces(where, userComment);
    const escaped = userComment.replace(/"/g, '\\"');
    const special = type.category !== 'native';
    const ddlComment = special ? `:${type.text}:${escaped}` : escaped;

    const sqlType = columnSqlType(type, this.family, state.schema);
    if (isBlobSql(sqlType) && defaultClause !== 'DEFAULT NULL' && defaultClause !== 'NOT NULL') {
      throw new DeclarationError(where, 'the default of a blob attribute can only be null');
    }
    if (inKey && (type.category === 'codec' || (type.category === 'core' && (type.core === 'json' || type.core === 'bytes')))) {
      throw new DeclarationError(where, 'blob and json attributes cannot be in the primary key');
    }
    if (this.family === 'postgres' && type.category === 'core' && type.core === 'enum') {
      state.pendingEnums.set(pgEnumTypeName(type.labels ?? []), type.labels ?? []);
    }
    if (this.family === 'postgres' && type.category === 'native' && typeAsRead(type, 'postgres') === null) {
      throw new DeclarationError(where, `native type ${type.text} does not exist on PostgreSQL (DataJoint's declaration fails there too)`);
    }

    if (inKey) state.primaryKey.push(line.name);
    state.attributes.push(line.name);
    state.attributeSql.push(this.columnSql(line.name, sqlType, nullable, defaultClause, ddlComment));
    if (ddlComment) state.columnComments.push([line.name, ddlComment]);
    const stored = ddlComment ? this.storedComment(ddlComment) : '';
    state.columns.push({
      name: line.name,
      sqlType,
      readType: typeAsRead(type, this.family),
      nullable,
      inKey,
      hidden: false,
      inherited: false,
      origin: type,
      storedComment: stored,
      userComment: special ? stored.slice(type.text.length + 2) : stored,
      uuidMarker: type.category === 'core' && type.core === 'uuid',
      defaultClause,
      lineage: null,
    });
  }

  private compileForeignKey(state: BuildState, line: ForeignKeyLine, inKey: boolean): void {
    const parent = this.get(line.schema, line.table);
    const ref = `${line.schema}.${line.table}`;
    if (!parent) throw new DeclarationError(state.where, `foreign key to ${ref}, which is not declared yet`);
    if (parent.columns.some((c) => c.hidden && c.inKey)) {
      throw new DeclarationError(state.where, `foreign key to ${ref}, a singleton table: DataJoint sees no primary key to reference`);
    }
    if (line.nullable && inKey) throw new DeclarationError(state.where, `primary dependencies cannot be nullable (-> ${ref})`);
    const proj = line.proj ?? {};
    for (const [child, parentName] of Object.entries(proj)) {
      if (!parent.primaryKey.includes(parentName)) {
        throw new DeclarationError(state.where, `.proj(${child}='${parentName}') names no primary-key attribute of ${ref}`);
      }
    }
    const renamed = new Map(Object.entries(proj).map(([child, parentName]) => [parentName, child]));
    // A projection's primary key: the parent's, each renamed attribute in its place.
    const childNames = parent.primaryKey.map((p) => renamed.get(p) ?? p);
    parent.primaryKey.forEach((parentName, i) => {
      const name = childNames[i];
      const source = parent.columns.find((c) => c.name === parentName);
      if (!source) throw new DeclarationError(state.where, `${ref} has no column ${parentName}`);
      if (!state.attributes.includes(name)) {
        state.attributes.push(name);
        if (inKey) state.primaryKey.push(name);
        if (source.readType === null) {
          throw new DeclarationError(state.where, `the type of ${ref}.${parentName} cannot be read back on ${this.family}`);
        }
        let sqlType = source.readType;
        if (this.family === 'postgres' && sqlType.startsWith('enum_')) sqlType = this.fullName(parent.schema, sqlType);
        // Attribute.sql_comment: the parent's comment without marker, `:uuid:` re-added.
        const comment = (source.uuidMarker ? ':uuid:' : '') + source.userComment;
        if (this.family === 'mysql' && comment.includes('"')) {
          throw new DeclarationError(state.where, `the comment of ${ref}.${parentName} holds a double quote, which DataJoint copies unescaped into invalid SQL`);
        }
        state.attributeSql.push(this.columnSql(name, sqlType, Boolean(line.nullable), null, comment));
        const stored = this.family === 'mysql' ? comment : '';
        state.columns.push({
          name,
          sqlType,
          readType: source.readType,
          nullable: Boolean(line.nullable),
          inKey,
          hidden: false,
          inherited: true,
          origin: source.origin,
          storedComment: stored,
          userComment: stored.replace(/^:uuid:/, ''),
          uuidMarker: this.family === 'mysql' && source.uuidMarker,
          defaultClause: null,
          lineage: null,
        });
      }
      state.fkAttributeMap.set(name, { schema: parent.schema, table: parent.name, attribute: parentName });
    });
    const cols = childNames.map((c) => this.quote(c)).join(', ');
    const refCols = parent.primaryKey.map((c) => this.quote(c)).join(', ');
    state.foreignKeySql.push(`FOREIGN KEY (${cols}) REFERENCES ${this.fullName(parent.schema, parent.name)} (${refCols}) ON UPDATE CASCADE ON DELETE RESTRICT`);
    state.foreignKeys.push({
      columns: childNames, refSchema: parent.schema, refTable: parent.name, refColumns: [...parent.primaryKey],
      nullable: Boolean(line.nullable), unique: Boolean(line.unique),
    });
    if (line.unique) {
      state.indexSql.push(`UNIQUE INDEX (${cols})`);
      state.indexes.push({ unique: true, columns: childNames });
    }
  }

  private compileIndex(state: BuildState, line: IndexLine): void {
    for (const c of line.columns) {
      if (!state.attributes.includes(c)) throw new DeclarationError(state.where, `index on ${c}, which is not an attribute declared above it`);
    }
    state.indexSql.push(`${line.unique ? 'unique ' : ''}index (${line.columns.map((c) => this.quote(c)).join(',')})`);
    state.indexes.push({ unique: Boolean(line.unique), columns: [...line.columns] });
  }

  /** `config.jobs.add_job_metadata`: only names that look Computed (not parts) or Imported (parts included). */
  private addJobMetadata(state: BuildState): void {
    const name = state.table;
    const computed = name.startsWith('__') && !name.slice(2).includes('__');
    const imported = name.startsWith('_') && !name.startsWith('__');
    if (!computed && !imported) return;
    const pg = this.family === 'postgres';
    const hidden: [string, string, string, CoreType][] = [
      ['_job_start_time', pg ? 'timestamp' : 'datetime(3)', 'DEFAULT NULL', { category: 'core', core: 'datetime', text: pg ? 'datetime' : 'datetime(3)', ...(pg ? {} : { fsp: 3 }) }],
      ['_job_duration', pg ? 'real' : 'float', 'DEFAULT NULL', { category: 'core', core: 'float32', text: 'float32' }],
      ['_job_version', 'varchar(64)', "DEFAULT ''", { category: 'core', core: 'varchar', text: 'varchar(64)', length: 64 }],
    ];
    for (const [column, sqlType, defaultClause, origin] of hidden) {
      state.attributeSql.push(`${this.quote(column)} ${sqlType} ${defaultClause}`);
      state.columns.push({
        name: column, sqlType, readType: null, nullable: true, inKey: false, hidden: true, inherited: false, origin,
        storedComment: '', userComment: '', uuidMarker: false, defaultClause, lineage: null,
      });
    }
  }

  private addSingleton(state: BuildState): void {
    const sqlType = this.family === 'mysql' ? 'tinyint' : 'boolean';
    state.primaryKey.push('_singleton');
    state.attributeSql.unshift(this.columnSql('_singleton', sqlType, false, 'NOT NULL DEFAULT TRUE', SINGLETON_COMMENT));
    state.columnComments.push(['_singleton', SINGLETON_COMMENT]);
    state.columns.unshift({
      name: '_singleton', sqlType, readType: sqlType, nullable: false, inKey: true, hidden: true, inherited: false,
      origin: { category: 'core', core: 'bool', text: 'bool' }, storedComment: SINGLETON_COMMENT,
      userComment: 'singleton primary key', uuidMarker: false, defaultClause: 'NOT NULL DEFAULT TRUE', lineage: null,
    });
  }

  /** `Table._populate_lineage`: foreign-key attributes copy the parent's lineage, then native key attributes point here. */
  private lineageRows(state: BuildState): LineageRow[] {
    const rows: LineageRow[] = [];
    for (const [attribute, source] of state.fkAttributeMap) {
      const parent = this.get(source.schema, source.table);
      const parentLineage = parent?.lineage.find((r) => r.attribute === source.attribute)?.lineage;
      rows.push({ table: state.table, attribute, lineage: parentLineage ?? `${source.schema}.${source.table}.${source.attribute}` });
    }
    for (const attribute of state.primaryKey) {
      if (!state.fkAttributeMap.has(attribute)) rows.push({ table: state.table, attribute, lineage: `${state.schema}.${state.table}.${attribute}` });
    }
    return rows;
  }
}

interface BuildState {
  where: string;
  schema: string;
  table: string;
  attributeSql: string[];
  columns: DeclaredColumn[];
  primaryKey: string[];
  attributes: string[];
  foreignKeySql: string[];
  foreignKeys: DeclaredForeignKey[];
  indexSql: string[];
  indexes: DeclaredIndex[];
  /** Column → comment for PostgreSQL `COMMENT ON COLUMN`, attribute lines only, in order. */
  columnComments: [string, string][];
  fkAttributeMap: Map<string, { schema: string; table: string; attribute: string }>;
  pendingEnums: Map<string, string[]>;
}

/** DataJoint passes the DDL through Python's `str.format`, so braces would break its declaration. */
function rejectBraces(where: string, text: string): void {
  if (/[{}]/.test(text)) throw new DeclarationError(where, `"${text}" holds a brace, which DataJoint's str.format of the DDL rejects`);
}
