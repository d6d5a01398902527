/**
 * MySQL → MySQL: the exported catalog replayed exactly. The table comes from its
 * `SHOW CREATE TABLE` text, which holds every detail the catalog views spread out (column
 * charsets and collations, default spellings, CHECKs, index names and kinds, FK names and
 * actions, engine, table options), made schema-qualified and renamed on parsed identifier
 * tokens only (sql/names.ts). The AUTO_INCREMENT counter is set after the rows are in.
 */
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import { DdlError } from './errors.js';
import { assertFragment } from './sql/guard.js';
import { qualifyMysqlCreateTable, type RenameMap } from './sql/names.js';
import { qualifiedName, quoteIdent } from './sql/quote.js';
import type { TablePlan } from './types.js';

const NAME_CHARS = /^[A-Za-z0-9_]+$/;

export function replayMysqlSchema(s: SchemaManifest, target: string): string[] {
  let sql = `CREATE DATABASE ${quoteIdent(target, 'mysql')}`;
  // Charset and collation names are bare words; never splice anything else into the statement.
  if (s.charset) {
    if (!NAME_CHARS.test(s.charset)) throw invalidName(s.name, 'charset', s.charset);
    sql += ` CHARACTER SET ${s.charset}`;
  }
  if (s.collation) {
    if (!NAME_CHARS.test(s.collation)) throw invalidName(s.name, 'collation', s.collation);
    sql += ` COLLATE ${s.collation}`;
  }
  return [sql];
}

function invalidName(schema: string, what: string, value: string): DdlError {
  return new DdlError('manifest_invalid', `Schema ${schema} has an invalid ${what} ${JSON.stringify(value)} in its manifest.`, { schema, [what]: value });
}

export function replayMysqlTable(s: SchemaManifest, t: TableManifest, target: string, rename: RenameMap): TablePlan {
  if (!t.createSql) {
    throw new DdlError('manifest_invalid', `Table ${s.name}.${t.name} has no createSql in its manifest; a MySQL snapshot must carry SHOW CREATE TABLE. Re-export it.`, { schema: s.name, table: t.name });
  }
  const afterLoad: string[] = [];
  if (t.autoIncrement !== undefined && t.autoIncrement !== null && t.columns.some((c) => c.autoIncrement)) {
    if (!/^\d+$/.test(t.autoIncrement)) {
      throw new DdlError('manifest_invalid', `Table ${s.name}.${t.name} has an AUTO_INCREMENT counter that is not a number: ${JSON.stringify(t.autoIncrement)}.`, { schema: s.name, table: t.name });
    }
    afterLoad.push(`ALTER TABLE ${qualifiedName(target, t.name, 'mysql')} AUTO_INCREMENT = ${t.autoIncrement}`);
  }
  return {
    schema: target,
    name: t.name,
    sourceSchema: s.name,
    create: [qualifyMysqlCreateTable(assertFragment(t.createSql, 'mysql', `createSql of ${s.name}.${t.name}`), target, rename)],
    afterLoad,
    columns: t.columns.map((c) => ({
      name: c.name, sqlType: c.sqlType, kind: c.kind,
      generated: /\b(VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(c.extra),
      identityAlways: false,
    })),
  };
}
