/**
 * PostgreSQL → PostgreSQL: the exported catalog replayed exactly, built from the manifest's
 * structured fields (column types as `format_type` printed them, defaults as `pg_get_expr`
 * printed them, keys, index definitions, comments, sequences). Schema names are rewritten only
 * where they stand as identifiers (sql/names.ts), never inside comments.
 */
import type { Column } from '../catalog/model.js';
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import { tableConstraints } from './constraints.js';
import { DdlError } from './errors.js';
import { postgresCreateIndex, postgresTableStatements, type PgColumnModel, type PgTableModel } from './postgres-emit.js';
import { assertFragment } from './sql/guard.js';
import { parseQualifiedName, renameInSql, type RenameMap } from './sql/names.js';
import { qualifiedName, quoteIdent, stringLiteral } from './sql/quote.js';
import { isPunct, isWord, significant, tokenize } from './sql/tokens.js';
import type { PlannedColumn, TablePlan } from './types.js';

const q = (s: string) => quoteIdent(s, 'postgres');

export function replayPostgresSchema(s: SchemaManifest, target: string): string[] {
  const out = [`CREATE SCHEMA ${q(target)}`];
  for (const e of s.enumTypes) {
    out.push(`CREATE TYPE ${qualifiedName(target, e.name, 'postgres')} AS ENUM (${e.labels.map((l) => stringLiteral(l, 'postgres')).join(', ')})`);
  }
  return out;
}

/** `nextval('<sequence>'::regclass)` in a default: the sequence it names, as written. */
function nextvalSequence(defaultSql: string | null): string | null {
  if (!defaultSql) return null;
  const sig = significant(tokenize(defaultSql, 'postgres'));
  for (let k = 0; k + 4 < sig.length; k++) {
    if (isWord(sig[k].token, 'NEXTVAL') && isPunct(sig[k + 1].token, '(') && sig[k + 2].token.kind === 'string'
      && isPunct(sig[k + 3].token, '::') && isWord(sig[k + 4].token, 'REGCLASS')) {
      return sig[k + 2].token.value;
    }
  }
  return null;
}

function sequenceSqlName(written: string): string {
  const parsed = parseQualifiedName(written, 'postgres');
  if (!parsed) return written;
  return parsed.schema === null ? q(parsed.name) : qualifiedName(parsed.schema, parsed.name, 'postgres');
}

function plannedColumn(c: Column): PlannedColumn {
  return {
    name: c.name, sqlType: c.sqlType, kind: c.kind,
    generated: c.extra === 'generated stored',
    identityAlways: c.extra === 'identity always',
  };
}

export function replayPostgresTable(s: SchemaManifest, t: TableManifest, target: string, rename: RenameMap): TablePlan {
  const full = qualifiedName(target, t.name, 'postgres');
  const sequenceOf = new Map((t.sequences ?? []).map((x) => [x.column, x]));
  const before: string[] = [];
  const after: string[] = [];
  const afterLoad: string[] = [];
  /** column → its serial sequence as SQL text (after renaming) */
  const sequenceByColumn = new Map<string, string>();
  const where = (what: string) => `${what} of ${s.name}.${t.name}`;
  const columns: PgColumnModel[] = t.columns.map((c) => {
    const renamedDefault = c.default === null ? null : renameInSql(assertFragment(c.default, 'postgres', where(`default of ${c.name}`)), 'postgres', rename);
    const col: PgColumnModel = {
      name: c.name,
      sqlType: renameInSql(assertFragment(c.sqlType, 'postgres', where(`type of ${c.name}`)), 'postgres', rename),
      collation: c.collation,
      nullable: c.nullable,
      defaultSql: null,
    };
    const owned = sequenceOf.get(c.name);
    if (c.extra === 'identity always' || c.extra === 'identity by default') {
      col.identity = { always: c.extra === 'identity always', sequence: owned ? qualifiedName(target, owned.name, 'postgres') : undefined };
    } else if (c.extra === 'generated stored') {
      col.generatedExpr = renamedDefault;
    } else {
      col.defaultSql = renamedDefault;
      const seq = nextvalSequence(renamedDefault);
      if (seq !== null) {
        sequenceByColumn.set(c.name, sequenceSqlName(seq));
        // A serial column: its sequence must exist before the table that uses it.
        const intType = ['smallint', 'integer', 'bigint'].includes(c.dataType) ? ` AS ${c.dataType}` : '';
        before.push(`CREATE SEQUENCE IF NOT EXISTS ${sequenceSqlName(seq)}${intType}`);
        if (owned) after.push(`ALTER SEQUENCE ${sequenceSqlName(seq)} OWNED BY ${full}.${q(c.name)}`);
      }
    }
    return col;
  });
  for (const seq of t.sequences ?? []) {
    if (seq.lastValue === null) continue;
    if (!/^-?\d+$/.test(seq.lastValue)) {
      throw new DdlError('manifest_invalid', `Sequence ${seq.name} of ${s.name}.${t.name} has a last value that is not an integer: ${JSON.stringify(seq.lastValue)}.`, { schema: s.name, table: t.name });
    }
    const seqName = sequenceByColumn.get(seq.column) ?? qualifiedName(target, seq.name, 'postgres');
    afterLoad.push(`SELECT setval(${stringLiteral(seqName, 'postgres')}, ${seq.lastValue}, true)`);
  }
  const indexes = t.indexes.map((i) => {
    if (i.definition) {
      const definition = assertFragment(i.definition.replace(/;\s*$/, ''), 'postgres', where(`index ${i.name}`));
      if (!/^\s*CREATE\s+(UNIQUE\s+)?INDEX\s/i.test(definition)) {
        throw new DdlError('manifest_invalid', `Index ${i.name} of ${s.name}.${t.name} has a definition that is not CREATE INDEX: ${JSON.stringify(definition.slice(0, 80))}.`, { schema: s.name, table: t.name, index: i.name });
      }
      return renameInSql(definition, 'postgres', rename);
    }
    if (i.columns.some((c) => c === null)) {
      throw new DdlError('manifest_invalid', `Index ${i.name} of ${s.name}.${t.name} has an expression but no definition.`, { schema: s.name, table: t.name, index: i.name });
    }
    return postgresCreateIndex(target, t.name, i.name, i.columns as string[], i.unique);
  });
  const model: PgTableModel = {
    schema: target,
    name: t.name,
    columns,
    primaryKey: t.primaryKey,
    foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, refSchema: rename.get(fk.refSchema) ?? fk.refSchema })),
    constraints: tableConstraints(assertFragment(t.createSql, 'postgres', where('createSql')), 'postgres', rename).map((c) => c.sql),
    before,
    indexes,
    comment: t.comment ? t.comment : null,
    columnComments: t.columns.filter((c) => c.comment).map((c) => ({ column: c.name, comment: c.comment })),
    after,
  };
  return {
    schema: target,
    name: t.name,
    sourceSchema: s.name,
    create: postgresTableStatements(model),
    afterLoad,
    columns: t.columns.map(plannedColumn),
  };
}
