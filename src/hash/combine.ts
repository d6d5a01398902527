/**
 * Schema and pipeline hashes (formats/hash.md): SHA-256 over a tag and name-sorted entries,
 * so they depend on content only, never on the order tables or objects were listed in.
 */
import { createHash } from 'node:crypto';
import { HashInputError } from './errors.js';
import { compareUtf8, hexDigest, str, u64 } from './framing.js';

export const SCHEMA_HASH_TAG = 'dj-snapshot/schema/v1';
export const PIPELINE_HASH_TAG = 'dj-snapshot/pipeline/v1';

export interface NamedHash {
  name: string;
  /** Lower-case hex SHA-256. */
  hash: string;
}

export interface ObjectEntry {
  /** Store name as DataJoint configures it (e.g. "raw"). */
  store: string;
  /** Path of the object relative to the store root, '/'-separated. */
  path: string;
  /** Lower-case hex SHA-256 of the object's bytes. */
  sha256: string;
}

function digestOf(h: string, what: string): Uint8Array {
  const d = hexDigest(h);
  if (!d) throw new HashInputError(`${what} has hash "${String(h)}", not 64 lower-case hex digits.`, { what });
  return d;
}

function sortedUnique(entries: readonly NamedHash[], kind: string): NamedHash[] {
  const sorted = [...entries].sort((a, b) => compareUtf8(a.name, b.name));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].name === sorted[i - 1].name) throw new HashInputError(`${kind} "${sorted[i].name}" is listed twice.`, { name: sorted[i].name });
  }
  return sorted;
}

function encodeNamed(tag: string, entries: readonly NamedHash[], kind: string): Uint8Array[] {
  const parts: Uint8Array[] = [str(tag), u64(entries.length)];
  for (const e of sortedUnique(entries, kind)) parts.push(str(e.name), digestOf(e.hash, `${kind} "${e.name}"`));
  return parts;
}

/** Hash of a schema from its tables' hashes. */
export function hashSchema(tables: readonly NamedHash[]): string {
  const h = createHash('sha256');
  for (const p of encodeNamed(SCHEMA_HASH_TAG, tables, 'Table')) h.update(p);
  return h.digest('hex');
}

/** Hash of a pipeline from its schemas' hashes and its object store entries. */
export function hashPipeline(schemas: readonly NamedHash[], objects: readonly ObjectEntry[]): string {
  const h = createHash('sha256');
  for (const p of encodeNamed(PIPELINE_HASH_TAG, schemas, 'Schema')) h.update(p);
  const sorted = [...objects].sort((a, b) => compareUtf8(a.store, b.store) || compareUtf8(a.path, b.path));
  h.update(u64(sorted.length));
  sorted.forEach((o, i) => {
    if (i > 0 && o.store === sorted[i - 1].store && o.path === sorted[i - 1].path) {
      throw new HashInputError(`Object "${o.path}" in store "${o.store}" is listed twice.`, { store: o.store, path: o.path });
    }
    h.update(str(o.store));
    h.update(str(o.path));
    h.update(digestOf(o.sha256, `Object "${o.store}:${o.path}"`));
  });
  return h.digest('hex');
}
