/**
 * A table's DataJoint definition rebuilt from the catalog, following DataJoint's `describe()`
 * (reference §1.6) with fixed conventions so the text is stable and backend-neutral:
 * - parents in the same schema by class name (`Subject`, `Session.Trial`), parents in other
 *   schemas as `<schema>.<ClassName>`;
 * - one space around `:` and two before `#`, no padding, no trailing spaces;
 * - defaults in DataJoint's spelling (`"abc"`, `0`, `null`, `CURRENT_TIMESTAMP`), the
 *   backend's cast syntax (`'a'::character varying`) removed;
 * - index lines for every remaining index, also on PostgreSQL (where `describe()` omits them).
 */
import type { Column, ForeignKey, Index, Table } from './model.js';
import { className, tierOf } from './tiers.js';

export function definitionOf(table: Table): string {
  const lines: string[] = [];
  if (table.comment) lines.push(`# ${table.comment}`);
  const pending = new Map<string, Index>(table.indexes.map((i) => [i.name, i]));
  const fkOf = new Map<string, ForeignKey[]>();
  for (const fk of table.foreignKeys) for (const c of fk.columns) fkOf.set(c, [...(fkOf.get(c) ?? []), fk]);
  const emitted = new Set<ForeignKey>();
  const seen = new Set<string>();
  const inKey = new Set(table.primaryKey);
  let dividerDone = false;

  for (const col of table.columns) {
    if (col.hidden) continue;
    if (!inKey.has(col.name) && !dividerDone) {
      lines.push('---');
      dividerDone = true;
    }
    seen.add(col.name);
    const fks = fkOf.get(col.name);
    if (fks) {
      for (const fk of fks) {
        if (emitted.has(fk) || !fk.columns.every((c) => seen.has(c))) continue;
        emitted.add(fk);
        lines.push(foreignKeyLine(table, fk, pending));
      }
      continue;
    }
    lines.push(attributeLine(col));
  }
  if (!dividerDone && table.columns.some((c) => !c.hidden && !inKey.has(c.name))) lines.push('---');
  for (const index of [...pending.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const parts = index.columns.map((c, i) => c ?? `(${index.expressions?.[i] ?? ''})`);
    lines.push(`${index.unique ? 'UNIQUE INDEX' : 'INDEX'} (${parts.join(', ')})`);
  }
  return lines.join('\n') + '\n';
}

function foreignKeyLine(table: Table, fk: ForeignKey, pending: Map<string, Index>): string {
  const options: string[] = [];
  const cols = new Map(table.columns.map((c) => [c.name, c]));
  if (fk.columns.some((c) => cols.get(c)?.nullable)) options.push('nullable');
  for (const [name, index] of pending) {
    if (index.columns.length === fk.columns.length && index.columns.every((c, i) => c === fk.columns[i])) {
      pending.delete(name);
      if (index.unique) options.push('unique');
      break;
    }
  }
  const parent = tierOf(fk.refTable);
  const cls = className(fk.refTable, parent.master);
  const ref = fk.refSchema === table.schema ? cls : `${fk.refSchema}.${cls}`;
  const renamed = fk.columns
    .map((c, i) => [c, fk.refColumns[i]] as const)
    .filter(([c, p]) => c !== p)
    .map(([c, p]) => `${c}="${p}"`);
  const proj = renamed.length ? `.proj(${renamed.join(',')})` : '';
  return `->${options.length ? ` [${options.join(', ')}]` : ''} ${ref}${proj}`;
}

function attributeLine(col: Column): string {
  const def = defaultText(col);
  const name = def === undefined ? col.name : `${col.name}=${def}`;
  const type = (col.djTypeSource === 'marker' && col.djType) ? col.djType : displaySqlType(col.sqlType);
  const comment = col.userComment ? `  # ${col.userComment}` : '';
  return `${name} : ${type}${col.autoIncrement && /auto_increment/i.test(col.extra) ? ' auto_increment' : ''}${comment}`;
}

/** DataJoint drops integer display widths (`int(11)` → `int`). */
function displaySqlType(sqlType: string): string {
  return sqlType.replace(/^((?:tiny|small|medium|big)?int(?:eger)?)\(\d+\)/i, '$1');
}

const STRING_TYPES = /^(char|varchar|character|character varying|enum|set|text|tinytext|mediumtext|longtext|time|timestamp|year|user-defined)/i;

function defaultText(col: Column): string | undefined {
  if (col.nullable) return 'null';
  if (col.default === null) return undefined;
  let d = col.default;
  if (d.toUpperCase() === 'NULL') return 'null';
  // PostgreSQL: 'abc'::character varying, 'x'::schema.enum_1234
  const pgCast = /^('(?:[^']|'')*')::[\w\s."[\]()]+$/.exec(d);
  if (pgCast) d = pgCast[1];
  const quoted = /^'((?:[^']|'')*)'$/s.exec(d);
  if (quoted) return `"${quoted[1].replace(/''/g, "'").replace(/"/g, '\\"')}"`;
  if (/^current_timestamp(\(\d?\))?$/i.test(d)) return d.replace(/^current_timestamp/i, 'CURRENT_TIMESTAMP').replace(/\(\)$/, '');
  if (STRING_TYPES.test(col.dataType) && !/^-?\d/.test(d)) return `"${d.replace(/"/g, '\\"')}"`;
  return d;
}
