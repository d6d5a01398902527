/**
 * `planDdl`: the snapshot's schema manifests in, the statements that rebuild them on one target
 * out. Same family → the exported catalog replayed exactly (replay-mysql.ts, replay-postgres.ts);
 * across families → declared the way DataJoint declares it on the target (translate.ts).
 */
import type { SchemaManifest } from '../snapshot/manifest.js';
import { DdlError } from './errors.js';
import { creationOrder } from './order.js';
import { replayMysqlSchema, replayMysqlTable } from './replay-mysql.js';
import { replayPostgresSchema, replayPostgresTable } from './replay-postgres.js';
import { CrossFamilyPlanner } from './translate.js';
import type { DdlOptions, DdlPlan, PlanDdl, TablePlan } from './types.js';

const FAMILIES = new Set(['mysql', 'postgres']);

export const planDdl: PlanDdl = (manifests: SchemaManifest[], options: DdlOptions): DdlPlan => {
  validate(manifests, options);
  const targetOf = (name: string) => options.rename.get(name) ?? name;
  const tables: TablePlan[] = [];

  if (options.sourceFamily === options.targetFamily) {
    const schemas = manifests.map((s) => ({
      name: targetOf(s.name),
      sourceName: s.name,
      create: options.targetFamily === 'mysql' ? replayMysqlSchema(s, targetOf(s.name)) : replayPostgresSchema(s, targetOf(s.name)),
    }));
    for (const { schema: s, table: t } of creationOrder(manifests)) {
      tables.push(options.targetFamily === 'mysql'
        ? replayMysqlTable(s, t, targetOf(s.name), options.rename)
        : replayPostgresTable(s, t, targetOf(s.name), options.rename));
    }
    return { schemas, tables, lossy: [] };
  }

  const planner = new CrossFamilyPlanner(manifests, options, targetOf);
  for (const { schema: s, table: t } of creationOrder(manifests)) tables.push(planner.planTable(s, t));
  // Enum types are known once every table is translated; they belong to their schema's statements.
  const schemas = manifests.map((s) => ({ name: targetOf(s.name), sourceName: s.name, create: planner.schemaStatements(s) }));
  return { schemas, tables, lossy: planner.lossy };
};

function validate(manifests: SchemaManifest[], options: DdlOptions): void {
  if (!Array.isArray(manifests) || manifests.some((s) => !s || typeof s.name !== 'string' || !Array.isArray(s.tables))) {
    throw new DdlError('manifest_invalid', 'planDdl needs the list of schema manifests (schemas/<schema>/schema.json), each with a name and its tables.');
  }
  for (const f of [options.sourceFamily, options.targetFamily]) {
    if (!FAMILIES.has(f)) throw new DdlError('manifest_invalid', `Unknown SQL family ${JSON.stringify(f)}: expected "mysql" or "postgres".`, { family: f });
  }
  const names = new Set(manifests.map((s) => s.name));
  if (names.size !== manifests.length) {
    throw new DdlError('manifest_invalid', 'The snapshot lists a schema twice.', { schemas: manifests.map((s) => s.name) });
  }
  const seen = new Map<string, string>();
  for (const s of manifests) {
    const target = options.rename.get(s.name) ?? s.name;
    if (target === '') throw new DdlError('rename_invalid', `Schema ${JSON.stringify(s.name)} would be renamed to an empty name.`, { from: s.name });
    const tooLong = options.targetFamily === 'postgres' ? Buffer.byteLength(target, 'utf8') > 63 : [...target].length > 64;
    if (tooLong) {
      throw new DdlError('identifier_too_long', `The schema name ${JSON.stringify(target)} is too long for ${options.targetFamily === 'postgres' ? 'PostgreSQL (63 bytes)' : 'MySQL (64 characters)'}; choose a shorter name or prefix.`, { schema: target });
    }
    const other = seen.get(target);
    if (other !== undefined) {
      throw new DdlError('rename_invalid', `Schemas ${JSON.stringify(other)} and ${JSON.stringify(s.name)} would both be imported as ${JSON.stringify(target)}; choose distinct names.`, { schemas: [other, s.name], target });
    }
    seen.set(target, s.name);
    const tableNames = new Set<string>();
    for (const t of s.tables) {
      if (tableNames.has(t.name)) throw new DdlError('manifest_invalid', `Schema ${s.name} lists table ${t.name} twice.`, { schema: s.name, table: t.name });
      tableNames.add(t.name);
      if (!Array.isArray(t.columns) || t.columns.length === 0) {
        throw new DdlError('manifest_invalid', `Table ${s.name}.${t.name} has no columns in its manifest.`, { schema: s.name, table: t.name });
      }
    }
  }
}
