/**
 * Read a pipeline from a database catalog alone: which schemas, their tables with tiers,
 * attributes with DataJoint types (FK-inherited ones resolved through the foreign key),
 * keys, indexes, enum types, and the dependency order.
 */
import type { Database } from '../db/types.js';
import { InputError } from '../errors/base.js';
import { definitionOf } from './definition.js';
import { dependencyOrder } from './graph.js';
import type { IntrospectedSchema, IntrospectedTable } from './introspected.js';
import type { Column, Pipeline, Schema, SkippedTable, Table } from './model.js';
import { introspectMysqlSchema, listMysqlSchemas } from './mysql/introspect.js';
import { introspectPostgresSchema, listPostgresSchemas } from './postgres/introspect.js';
import { tierOf } from './tiers.js';
import { coreTypeOf, fspOf, kindOf } from './types.js';

export interface ReadOptions {
  /** Schema names or globs (`*`, `?`, `[abc]`); default: every DataJoint schema. */
  schemas?: string[];
  /** Export `~~jobs` / `~jobs` tables too (skipped by default: they are transient). */
  includeJobs?: boolean;
}

export async function listSchemas(db: Database): Promise<string[]> {
  return db.family === 'mysql' ? listMysqlSchemas(db) : listPostgresSchemas(db);
}

function introspect(db: Database, schema: string): Promise<IntrospectedSchema> {
  return db.family === 'mysql' ? introspectMysqlSchema(db, schema) : introspectPostgresSchema(db, schema);
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** DataJoint keeps no registry of its schemas; recognise them by what DataJoint leaves behind (reference §1.1, §7.1). */
export function datajointGeneration(schema: IntrospectedSchema): Schema['datajoint'] {
  const names = new Set(schema.tables.map((t) => t.name));
  if (names.has('~lineage') || [...names].some((n) => n.startsWith('~~'))) return '2.x';
  const has2xMarker = schema.tables.some((t) => t.columns.some((c) => c.markerType !== null && (coreTypeOf(c.markerType) !== null || /^<.+>$/.test(c.markerType))));
  if (has2xMarker) return '2.x';
  if (names.has('~log') || names.has('~jobs') || [...names].some((n) => n.startsWith('~external_'))) return '0.x';
  if (schema.tables.some((t) => t.columns.some((c) => c.markerType !== null))) return '0.x';
  return 'none';
}

export async function readPipeline(db: Database, options: ReadOptions = {}): Promise<Pipeline> {
  const all = await listSchemas(db);
  const cache = new Map<string, IntrospectedSchema>();
  const load = async (name: string) => {
    let s = cache.get(name);
    if (!s) {
      s = await introspect(db, name);
      cache.set(name, s);
    }
    return s;
  };

  let selected: string[];
  if (options.schemas && options.schemas.length) {
    const patterns = options.schemas.map(globToRegExp);
    selected = all.filter((n) => patterns.some((p) => p.test(n)));
    const unmatched = options.schemas.filter((g) => !all.some((n) => globToRegExp(g).test(n)));
    if (!selected.length || unmatched.length) {
      throw new InputError('no_matching_schema',
        `No schema matches ${unmatched.map((g) => `"${g}"`).join(', ')} on ${db.displayUrl}. Schemas there: ${all.join(', ') || '(none)'}.`,
        { patterns: unmatched, available: all });
    }
  } else {
    selected = [];
    for (const name of all) if (datajointGeneration(await load(name)) !== 'none') selected.push(name);
    if (!selected.length) {
      throw new InputError('no_datajoint_schema',
        `No DataJoint schema found on ${db.displayUrl} (looked for ~lineage tables and :type: column markers in ${all.length} schemas). Name the schemas to export with --schema.`,
        { available: all });
    }
  }

  const warnings: string[] = [];
  const skipped: SkippedTable[] = [];
  const schemas: Schema[] = [];
  for (const name of selected) {
    const raw = await load(name);
    const generation = datajointGeneration(raw);
    const tables: Table[] = [];
    for (const t of raw.tables) {
      if (t.relationKind !== 'table') {
        skipped.push({ schema: name, name: t.name, reason: `${t.relationKind === 'view' ? 'a view' : 'not a base table'}: not exported` });
        continue;
      }
      const { tier, master } = tierOf(t.name);
      if (tier === 'jobs' && !options.includeJobs) {
        skipped.push({ schema: name, name: t.name, reason: 'jobs table (transient; use --include-jobs to export it)' });
        continue;
      }
      if (tier === 'plain' && generation !== 'none') {
        warnings.push(`${name}.${t.name} is not a DataJoint table (its name matches no tier); exported as a plain table.`);
      }
      // One column after the other: resolving may read another schema's catalog, and one
      // connection runs one query at a time (pg deprecates queuing them concurrently).
      const columns = [];
      for (const c of t.columns) columns.push(await resolveColumn(db, t, c, load, warnings));
      const table: Table = {
        schema: name, name: t.name, tier, master, comment: t.comment, columns,
        primaryKey: t.primaryKey, foreignKeys: t.foreignKeys, indexes: t.indexes,
        createSql: t.createSql, postSql: t.postSql, definition: '',
      };
      if (t.engine !== undefined) table.engine = t.engine;
      if (t.collation !== undefined) table.collation = t.collation;
      if (t.autoIncrement !== undefined) table.autoIncrement = t.autoIncrement;
      if (t.sequences) table.sequences = t.sequences;
      if (!table.primaryKey.length && tier !== 'plain') {
        warnings.push(`${name}.${t.name} has no primary key; rows are ordered by all columns.`);
      }
      table.definition = definitionOf(table);
      tables.push(table);
    }
    schemas.push({
      name,
      datajoint: generation,
      charset: raw.charset ?? null,
      collation: raw.collation ?? null,
      enumTypes: raw.enumTypes,
      tables,
    });
  }

  // Order every table of the pipeline together, then keep each schema's tables in that order.
  const order = dependencyOrder(schemas.flatMap((s) => s.tables.map((t) => ({
    schema: t.schema, name: t.name, master: t.master,
    parents: t.foreignKeys.map((fk) => ({ schema: fk.refSchema, name: fk.refTable })),
    table: t,
  }))));
  const rank = new Map(order.map((n, i) => [`${n.schema}.${n.name}`, i]));
  for (const s of schemas) s.tables.sort((a, b) => rank.get(`${a.schema}.${a.name}`)! - rank.get(`${b.schema}.${b.name}`)!);
  orderSchemas(schemas, rank);

  const selectedSet = new Set(selected);
  for (const s of schemas) for (const t of s.tables) for (const fk of t.foreignKeys) {
    if (!selectedSet.has(fk.refSchema)) {
      warnings.push(`${s.name}.${t.name} references ${fk.refSchema}.${fk.refTable}, which is not in this snapshot; importing it needs that schema to exist.`);
    }
  }
  return { family: db.family, schemas, skipped, warnings };
}

/**
 * Schemas so that a schema comes after every schema its tables reference (ties by name). Schemas
 * that reference each other both ways keep the order of their first table.
 */
function orderSchemas(schemas: Schema[], rank: Map<string, number>): void {
  const names = new Set(schemas.map((s) => s.name));
  const deps = new Map(schemas.map((s) => [s.name, new Set(s.tables.flatMap((t) => t.foreignKeys.map((fk) => fk.refSchema))
    .filter((r) => r !== s.name && names.has(r)))]));
  const ordered: Schema[] = [];
  const remaining = [...schemas].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  while (remaining.length) {
    const placed = new Set(ordered.map((s) => s.name));
    let i = remaining.findIndex((s) => [...deps.get(s.name)!].every((d) => placed.has(d)));
    if (i < 0) {
      // a cycle between schemas: take the one whose first table comes first in table order
      i = remaining.reduce((best, s, j) => (firstRank(s, rank) < firstRank(remaining[best], rank) ? j : best), 0);
    }
    ordered.push(remaining.splice(i, 1)[0]);
  }
  schemas.splice(0, schemas.length, ...ordered);
}

function firstRank(s: Schema, rank: Map<string, number>): number {
  return s.tables.length ? rank.get(`${s.name}.${s.tables[0].name}`)! : Number.MAX_SAFE_INTEGER;
}

type Loader = (schema: string) => Promise<IntrospectedSchema>;

async function resolveColumn(
  db: Database, table: IntrospectedTable, c: IntrospectedTable['columns'][number], load: Loader, warnings: string[],
): Promise<Column> {
  const sqlInfo = { family: db.family, dataType: c.dataType, sqlType: c.sqlType };
  let djType: string | null = c.markerType;
  let source: Column['djTypeSource'] = djType ? 'marker' : 'native';
  if (!djType) {
    const inherited = await inheritedType(table, c.name, load, new Set());
    if (inherited) {
      djType = inherited;
      source = 'foreign-key';
    }
  }
  const { markerType: _marker, ...rest } = c;
  const column: Column = { ...rest, djType, djTypeSource: source, kind: kindOf(djType, sqlInfo) };
  if (column.kind === 'datetime' || column.kind === 'time') column.fsp = column.fsp ?? fspOf(c.sqlType);
  if (column.kind === 'decimal' && (column.precision === undefined || column.scale === undefined)) {
    const m = /\((\d+)\s*,\s*(\d+)\)/.exec(djType ?? c.sqlType);
    if (m) {
      column.precision = Number(m[1]);
      column.scale = Number(m[2]);
    } else {
      // PostgreSQL numeric without precision: exact text of any scale, carried as text.
      column.kind = 'text';
      warnings.push(`${table.schema}.${table.name}.${c.name} is numeric without precision; carried as exact text.`);
    }
  }
  if (column.kind === 'text') column.nativeOnly = true;
  return column;
}

/** Follow foreign keys to where an attribute originates and take its marker type (reference §1.4). */
async function inheritedType(table: IntrospectedTable, column: string, load: Loader, visited: Set<string>): Promise<string | null> {
  const here = `${table.schema}.${table.name}.${column}`;
  if (visited.has(here)) return null;
  visited.add(here);
  for (const fk of table.foreignKeys) {
    const i = fk.columns.indexOf(column);
    if (i < 0) continue;
    const parentSchema = await load(fk.refSchema);
    const parent = parentSchema.tables.find((t) => t.name === fk.refTable);
    const parentCol = parent?.columns.find((c) => c.name === fk.refColumns[i]);
    if (!parent || !parentCol) continue;
    if (parentCol.markerType) return parentCol.markerType;
    const up = await inheritedType(parent, parentCol.name, load, visited);
    if (up) return up;
  }
  return null;
}
