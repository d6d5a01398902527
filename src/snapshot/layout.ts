/**
 * Where things live in a snapshot tree (formats/README.md §1-2). Every path a writer or reader
 * uses comes from here.
 */

const SAFE = /^[A-Za-z0-9_\-#~.=+,@]$/;

/** Escape one path segment reversibly so it is safe on every file system (formats §2). */
export function escapeName(name: string): string {
  if (name === '' ) return '%';
  let out = '';
  for (const ch of name) {
    if (SAFE.test(ch) && ch !== '%') out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.startsWith('.')) out = '%2E' + out.slice(1);
  return out;
}

export function unescapeName(segment: string): string {
  if (segment === '%') return '';
  return decodeURIComponent(segment);
}

export const PIPELINE_MANIFEST = 'dj-snapshot.json';
export const OBJECT_LIST = 'objects.jsonl';
export const SNAPSHOT_README = 'README.md';

export function schemaDir(schema: string): string {
  return `schemas/${escapeName(schema)}`;
}

export function schemaManifestPath(schema: string): string {
  return `${schemaDir(schema)}/schema.json`;
}

/** `part` is the 0-based part number when a table is split into several files. */
export function tableFilePath(schema: string, table: string, part?: number): string {
  const base = `${schemaDir(schema)}/tables/${escapeName(table)}`;
  return part === undefined ? `${base}.parquet` : `${base}.${String(part).padStart(5, '0')}.parquet`;
}

/** `objects/<store>/<stored relative path>` with every segment escaped. */
export function objectPath(store: string, relativePath: string): string {
  return `objects/${escapeName(store)}/${relativePath.split('/').map(escapeName).join('/')}`;
}
