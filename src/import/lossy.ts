/**
 * Lossy columns whose loss depends on the values (ddl/types.ts `ValueCondition`): a time column
 * going to a type limited to 24 h loses nothing if no value exceeds 24 h. These are checked
 * against the snapshot's rows before anything is created, and dropped from the report when every
 * value passes, so `--lossy` is only needed when data would really change.
 */
import type { LossyColumn, ValueCondition } from '../ddl/types.js';
import { readParquet } from '../parquet/reader.js';
import type { SchemaManifest } from '../snapshot/manifest.js';
import type { CValue } from '../values/kinds.js';
import { tableKey, type VerifiedSnapshot } from './verify-snapshot.js';

const DAY_US = 86_400_000_000n;

function passes(condition: ValueCondition, v: CValue): boolean {
  if (v === null) return true;
  switch (condition.kind) {
    case 'fractional-seconds': {
      if (typeof v !== 'bigint') return false;
      const unit = 10n ** BigInt(Math.max(0, 6 - condition.digits));
      return v % unit === 0n;
    }
    case 'time-of-day':
      return typeof v === 'bigint' && v >= 0n && v <= DAY_US;
    case 'max-length':
      if (typeof v === 'string') {
        if (v.length <= condition.length) return true;
        let n = 0;
        for (const _ of v) if (++n > condition.length) return false;
        return true;
      }
      return v instanceof Uint8Array && v.length <= condition.length;
  }
}

/** The entries that stay lossy: unconditional ones, and conditional ones some value violates. */
export async function confirmLossy(lossy: readonly LossyColumn[], schemas: readonly SchemaManifest[], snap: VerifiedSnapshot): Promise<LossyColumn[]> {
  const byTable = new Map<string, LossyColumn[]>();
  const kept: LossyColumn[] = [];
  for (const l of lossy) {
    if (!l.condition || l.index !== undefined) {
      kept.push(l);
      continue;
    }
    const key = tableKey(l.schema, l.table);
    byTable.set(key, [...(byTable.get(key) ?? []), l]);
  }
  for (const [key, entries] of byTable) {
    const [schemaName, tableName] = key.split('\u0000');
    const manifest = schemas.find((s) => s.name === schemaName)?.tables.find((t) => t.name === tableName);
    const checks = entries.map((l) => ({ l, index: manifest?.columns.findIndex((c) => c.name === l.column) ?? -1, ok: true }));
    for (const c of checks) if (c.index < 0) c.ok = false;
    const open = () => checks.filter((c) => c.ok);
    for (const file of snap.tableFiles.get(key) ?? []) {
      if (!open().length) break;
      for await (const batch of readParquet(file)) {
        for (const c of open()) {
          for (const row of batch) {
            if (!passes(c.l.condition!, row[c.index])) {
              c.ok = false;
              break;
            }
          }
        }
        if (!open().length) break;
      }
    }
    for (const c of checks) if (!c.ok) kept.push(c.l);
  }
  return kept;
}
