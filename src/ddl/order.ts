/**
 * The order tables are created in: parents before children across the whole snapshot. The
 * manifests list tables in dependency order within a schema and schemas so that referenced
 * ones come first, but foreign keys may run between schemas both ways (A.x → B.y → A.z), so the
 * order is recomputed over all tables, keeping the manifests' order wherever it is free.
 */
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';
import { DdlError } from './errors.js';

export interface OrderedTable {
  schema: SchemaManifest;
  table: TableManifest;
}

export function creationOrder(manifests: SchemaManifest[]): OrderedTable[] {
  const nodes: OrderedTable[] = manifests.flatMap((schema) => schema.tables.map((table) => ({ schema, table })));
  const index = new Map(nodes.map((n, i) => [`${n.schema.name}\u0000${n.table.name}`, i]));
  const children: number[][] = nodes.map(() => []);
  const pending = nodes.map(() => 0);
  nodes.forEach((n, i) => {
    const parents = new Set<number>();
    for (const fk of n.table.foreignKeys) {
      const p = index.get(`${fk.refSchema}\u0000${fk.refTable}`);
      if (p !== undefined && p !== i) parents.add(p);
    }
    for (const p of parents) children[p].push(i);
    pending[i] = parents.size;
  });
  // Kahn's algorithm, always taking the earliest ready table in the manifests' order.
  const ready: number[] = [];
  pending.forEach((n, i) => n === 0 && ready.push(i));
  const out: OrderedTable[] = [];
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    out.push(nodes[i]);
    for (const c of children[i]) if (--pending[c] === 0) ready.push(c);
  }
  if (out.length !== nodes.length) {
    const stuck = nodes.filter((_n, i) => pending[i] > 0).map((n) => `${n.schema.name}.${n.table.name}`);
    throw new DdlError('manifest_invalid', `The foreign keys of ${stuck.join(', ')} form a cycle; such tables cannot be created one after another.`, { tables: stuck });
  }
  return out;
}
