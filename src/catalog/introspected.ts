/**
 * What a backend's introspector returns for one schema: the catalog as the database reports it,
 * before DataJoint types are resolved across foreign keys and before tables are ordered.
 */
import type { Column, EnumType, ForeignKey, Index, Table } from './model.js';

export type IntrospectedColumn = Omit<Column, 'djType' | 'djTypeSource' | 'kind'> & {
  /** The `:type:` marker, if the comment has one. */
  markerType: string | null;
};

export type IntrospectedTable = Omit<Table, 'columns' | 'tier' | 'master' | 'definition'> & {
  columns: IntrospectedColumn[];
  /** Views and other non-table relations are reported, never exported. */
  relationKind: 'table' | 'view' | 'other';
};

export interface IntrospectedSchema {
  name: string;
  charset?: string | null;
  collation?: string | null;
  enumTypes: EnumType[];
  tables: IntrospectedTable[];
}

export type { ForeignKey, Index };

/** Order rows of a flat catalog query into groups keyed by table name. */
export function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

export function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

export function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
