/**
 * Recompute what an export of the target would record for a table — row count and logical
 * hash — by the exporter's own path: its SELECT (export/select.ts), its normalisation
 * (values/normalize.ts) and the target's catalog as read by catalog/read.ts. Equal to the
 * manifest means the data arrived exactly, on any backend.
 */
import type { Table } from '../catalog/model.js';
import type { Database } from '../db/types.js';
import { selectForExport } from '../export/select.js';
import { TableHasher } from '../hash/index.js';
import type { CValue } from '../values/kinds.js';
import { normalizerFor } from '../values/normalize.js';
import { shapesOf } from './shapes.js';

export interface TableDigest {
  rows: number;
  hash: string;
}

export async function digestTargetTable(db: Database, table: Table, batchRows = 10_000, onRows?: (rows: number) => void): Promise<TableDigest> {
  const normalizers = table.columns.map((c) => normalizerFor(db.family, {
    where: `${table.schema}.${table.name}.${c.name}`, kind: c.kind, dataType: c.dataType, scale: c.scale,
  }));
  const width = normalizers.length;
  const hasher = new TableHasher(shapesOf(table.columns));
  let rows = 0;
  for await (const batch of db.stream(selectForExport(db, table), { batchRows })) {
    for (const raw of batch) {
      const row: CValue[] = new Array(width);
      for (let i = 0; i < width; i++) row[i] = normalizers[i](raw[i]);
      hasher.add(row);
    }
    rows += batch.length;
    onRows?.(rows);
  }
  return { rows, hash: await hasher.digest() };
}
