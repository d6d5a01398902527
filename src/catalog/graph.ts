/**
 * Dependency order of tables: parents before children along foreign keys, and each part table
 * right after its master (DataJoint's own order, reference §1.7). The order is deterministic:
 * ties are broken by qualified name, so the same catalog always gives the same order.
 */
import { InputError } from '../errors/base.js';

export interface GraphNode {
  schema: string;
  name: string;
  master: string | null;
  parents: { schema: string; name: string }[];
}

const key = (n: { schema: string; name: string }) => `${n.schema}\u0000${n.name}`;

export function dependencyOrder<T extends GraphNode>(nodes: T[]): T[] {
  const byKey = new Map(nodes.map((n) => [key(n), n]));
  // A part's foreign parents become parents of its master, so masters wait for them too.
  const parentsOf = new Map<string, Set<string>>();
  for (const n of nodes) parentsOf.set(key(n), new Set());
  for (const n of nodes) {
    const own = parentsOf.get(key(n))!;
    for (const p of n.parents) if (byKey.has(key(p)) && key(p) !== key(n)) own.add(key(p));
    if (n.master) {
      const masterKey = key({ schema: n.schema, name: n.master });
      const m = parentsOf.get(masterKey);
      if (m) for (const p of n.parents) {
        const pk = key(p);
        if (pk !== masterKey && byKey.has(pk) && !isPartOf(byKey.get(pk)!, masterKey)) m.add(pk);
      }
    }
  }
  const parts = new Map<string, T[]>();
  for (const n of nodes) {
    if (!n.master) continue;
    const mk = key({ schema: n.schema, name: n.master });
    if (!byKey.has(mk)) continue;
    const list = parts.get(mk) ?? [];
    list.push(n);
    parts.set(mk, list);
  }
  const isPlacedWithMaster = (n: T) => n.master !== null && byKey.has(key({ schema: n.schema, name: n.master }));

  const order: T[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const sorted = [...nodes].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

  const visit = (n: T, path: string[]) => {
    const k = key(n);
    if (done.has(k)) return;
    if (visiting.has(k)) {
      throw new InputError('dependency_cycle',
        `The foreign keys form a cycle (${[...path, `${n.schema}.${n.name}`].join(' -> ')}); DataJoint pipelines are acyclic, so this database was not made by DataJoint alone. Export the schemas without the cycle, or report this table set.`,
        { cycle: path });
    }
    visiting.add(k);
    const deps = [...parentsOf.get(k)!].sort();
    for (const d of deps) {
      const parent = byKey.get(d)!;
      // A part is emitted with its master; depending on a part means depending on the master.
      visit(isPlacedWithMaster(parent) ? byKey.get(key({ schema: parent.schema, name: parent.master! }))! : parent, [...path, `${n.schema}.${n.name}`]);
    }
    if (isPlacedWithMaster(n)) {
      visiting.delete(k);
      return;
    }
    visiting.delete(k);
    done.add(k);
    order.push(n);
    for (const p of orderSiblings(parts.get(k) ?? [], parentsOf)) {
      // Parts come right after the master; their own parents precede the master already.
      for (const d of [...parentsOf.get(key(p))!].sort()) {
        if (d !== k && !done.has(d) && !isPartOf(byKey.get(d)!, k)) visit(byKey.get(d)!, [...path, `${p.schema}.${p.name}`]);
      }
      done.add(key(p));
      order.push(p);
    }
  };
  for (const n of sorted) if (!isPlacedWithMaster(n)) visit(n, []);
  return order;
}

/** Parts of one master in name order, except that a part referencing a sibling follows it. */
function orderSiblings<T extends GraphNode>(siblings: T[], parentsOf: Map<string, Set<string>>): T[] {
  const byKey = new Map(siblings.map((s) => [key(s), s]));
  const out: T[] = [];
  const seen = new Set<string>();
  const visit = (s: T) => {
    const k = key(s);
    if (seen.has(k)) return;
    seen.add(k);
    for (const d of [...parentsOf.get(k)!].sort()) {
      const sib = byKey.get(d);
      if (sib) visit(sib);
    }
    out.push(s);
  };
  for (const s of [...siblings].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) visit(s);
  return out;
}

function isPartOf(n: GraphNode, masterKey: string): boolean {
  return n.master !== null && key({ schema: n.schema, name: n.master }) === masterKey;
}
