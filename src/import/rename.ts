/**
 * Schema renaming on import (`--rename old=new`, `--prefix old_=new_`) and the one place where
 * row content embeds schema names: `~lineage` strings `schema.table.attribute` (reference §5.1).
 * Everything else (DDL, foreign keys across schemas) is renamed by the DDL plan.
 */
import { UsageError } from '../errors/base.js';

export interface RenameSpec {
  /** `old=new` pairs (exact schema names). */
  rename?: string[];
  /** `old_=new_` pairs: every schema starting with `old_` gets `new_` instead. */
  prefix?: string[];
}

function splitPair(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1 && flag === '--rename') {
    throw new UsageError(`${flag} takes OLD=NEW, got "${text}".`, { flag, value: text });
  }
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * The old → new map for the snapshot's schemas (identity entries omitted). An exact rename
 * wins over a prefix; a name that matches nothing, or two schemas ending up with one name,
 * is a usage error.
 */
export function renameMap(schemas: readonly string[], spec: RenameSpec): Map<string, string> {
  const known = new Set(schemas);
  const exact = new Map<string, string>();
  for (const text of spec.rename ?? []) {
    const [from, to] = splitPair(text, '--rename');
    if (!known.has(from)) {
      throw new UsageError(`--rename ${text}: the snapshot has no schema "${from}" (it has ${schemas.join(', ')}).`, { from, schemas: [...schemas] });
    }
    if (exact.has(from) && exact.get(from) !== to) throw new UsageError(`--rename gives two new names for "${from}".`, { from });
    exact.set(from, to);
  }
  const prefixes = (spec.prefix ?? []).map((text) => splitPair(text, '--prefix'));
  for (const [from] of prefixes) {
    if (!schemas.some((s) => s.startsWith(from))) {
      throw new UsageError(`--prefix ${from}=…: no schema of the snapshot starts with "${from}" (it has ${schemas.join(', ')}).`, { from, schemas: [...schemas] });
    }
  }
  const map = new Map<string, string>();
  for (const name of schemas) {
    let target = exact.get(name);
    if (target === undefined) {
      // The longest matching prefix decides, so `lab_=a_` and `lab_x_=b_` can be combined.
      const match = prefixes.filter(([from]) => name.startsWith(from)).sort((a, b) => b[0].length - a[0].length)[0];
      if (match) target = match[1] + name.slice(match[0].length);
    }
    if (target !== undefined && target !== name) map.set(name, target);
  }
  const owners = new Map<string, string>();
  for (const name of schemas) {
    const target = map.get(name) ?? name;
    if (target === '') throw new UsageError(`Renaming "${name}" gives an empty schema name.`, { schema: name });
    const other = owners.get(target);
    if (other !== undefined) {
      throw new UsageError(`Renaming would give schemas "${other}" and "${name}" the same name "${target}".`, { schemas: [other, name], target });
    }
    owners.set(target, name);
  }
  return map;
}

export function targetName(map: ReadonlyMap<string, string>, schema: string): string {
  return map.get(schema) ?? schema;
}

/**
 * A lineage string with its schema renamed. Schema names in DataJoint contain no dot, so the
 * schema is everything before the first one; strings naming schemas outside the snapshot
 * (upstream pipelines that were not exported) stay as they are.
 */
export function renameLineage(lineage: string, map: ReadonlyMap<string, string>): string {
  const dot = lineage.indexOf('.');
  if (dot <= 0) return lineage;
  const renamed = map.get(lineage.slice(0, dot));
  return renamed === undefined ? lineage : renamed + lineage.slice(dot);
}
