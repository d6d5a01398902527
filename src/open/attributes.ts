/**
 * Which columns have an open view (formats/open.md §2), and how their stored value is read.
 */
import type { Column } from '../catalog/model.js';
import { parseCodec } from '../catalog/types.js';
import type { SchemaManifest, TableManifest } from '../snapshot/manifest.js';

/**
 * - `blob`: DataJoint blob bytes in the table (`<blob>`, every blob column of a DataJoint 0.x schema);
 * - `blob-store`: JSON metadata naming a store object that holds blob bytes (`<blob@store>`);
 * - `attach` / `attach-store`: `filename \0 contents`, in the table or in a store object;
 * - `blob-if-blob`: a custom codec stored as bytes: decoded when the bytes are a DataJoint blob
 *   (most custom codecs chain to `<blob>`), else given no open view and no error.
 */
export type OpenHow = 'blob' | 'blob-store' | 'attach' | 'attach-store' | 'blob-if-blob';

export interface OpenAttribute {
  column: Column;
  /** Position of the column in the table's rows. */
  index: number;
  how: OpenHow;
}

/** Codecs with a meaning of their own, never a blob. */
const BUILTIN_CODECS = new Set(['blob', 'attach', 'hash', 'object', 'npy', 'filepath']);
/** MySQL types that DataJoint 0.x always filled with serialized blobs. */
const LEGACY_BLOB_TYPES = new Set(['tinyblob', 'blob', 'mediumblob', 'longblob']);

export function openHowOf(column: Column, datajoint: SchemaManifest['datajoint']): OpenHow | null {
  const dj = column.djType;
  if (dj === null) {
    return datajoint === '0.x' && column.kind === 'bytes' && LEGACY_BLOB_TYPES.has(column.dataType.toLowerCase()) ? 'blob' : null;
  }
  // DataJoint 0.x markers have no angle brackets: `:attach:` (in table)
  if (dj === 'attach' && column.kind === 'bytes') return 'attach';
  const codec = parseCodec(dj);
  if (!codec) return null;
  if (codec.store === undefined) {
    if (column.kind !== 'bytes') return null;
    if (codec.name === 'blob') return 'blob';
    if (codec.name === 'attach') return 'attach';
    return BUILTIN_CODECS.has(codec.name) ? null : 'blob-if-blob';
  }
  if (column.kind !== 'json') return null;
  if (codec.name === 'blob') return 'blob-store';
  if (codec.name === 'attach') return 'attach-store';
  return null;
}

/** The columns of `table` that have an open view, in table order. */
export function openAttributes(table: TableManifest, datajoint: SchemaManifest['datajoint']): OpenAttribute[] {
  const out: OpenAttribute[] = [];
  table.columns.forEach((column, index) => {
    const how = openHowOf(column, datajoint);
    if (how) out.push({ column, index, how });
  });
  return out;
}
