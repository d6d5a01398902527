/**
 * From a stored column value to what the open view shows: a decoded blob, an attachment (name
 * and contents), nothing (NULL), or the reason it cannot be shown. Never throws for bad data:
 * a value that does not decode is reported, the export goes on (formats/open.md §5).
 */
import { type BlobValue, decodeBlob, looksLikeBlob } from '../blob/index.js';
import type { CValue } from '../values/kinds.js';
import type { OpenHow } from './attributes.js';

export type OpenValue =
  | { kind: 'none' }
  | { kind: 'blob'; value: BlobValue }
  | { kind: 'attachment'; name: Uint8Array; contents: Uint8Array }
  | { kind: 'error'; message: string };

/** Reads store objects of a snapshot: the bytes, or a sentence saying why not. */
export interface ObjectReader {
  /** `store` as the metadata names it ('' or null: the default store). */
  read(store: string | null, path: string): Promise<Uint8Array | { missing: string }>;
}

/** Splits DataJoint's `filename \0 contents`. */
export function splitAttachment(bytes: Uint8Array): { name: Uint8Array; contents: Uint8Array } | null {
  const nul = bytes.indexOf(0);
  if (nul < 0) return null;
  return { name: bytes.subarray(0, nul), contents: bytes.subarray(nul + 1) };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function decoded(bytes: Uint8Array): OpenValue {
  try {
    return { kind: 'blob', value: decodeBlob(bytes) };
  } catch (e) {
    return { kind: 'error', message: errorText(e) };
  }
}

function attachment(bytes: Uint8Array): OpenValue {
  const a = splitAttachment(bytes);
  return a ? { kind: 'attachment', ...a } : { kind: 'error', message: 'not a DataJoint attachment: no NUL byte after a file name' };
}

/** The store object a `<x@store>` metadata value names, or why it cannot be read. */
async function storeObject(json: string, objects: ObjectReader): Promise<Uint8Array | { missing: string }> {
  let meta: unknown;
  try {
    meta = JSON.parse(json);
  } catch (e) {
    return { missing: `the column's metadata is not JSON (${errorText(e)})` };
  }
  if (typeof meta !== 'object' || meta === null || typeof (meta as { path?: unknown }).path !== 'string') {
    return { missing: 'the column\'s metadata names no object path' };
  }
  const { path, store } = meta as { path: string; store?: unknown };
  return objects.read(typeof store === 'string' ? store : null, path);
}

export async function openValueOf(how: OpenHow, stored: CValue, objects: ObjectReader): Promise<OpenValue> {
  if (stored === null) return { kind: 'none' };
  switch (how) {
    case 'blob':
      return decoded(stored as Uint8Array);
    case 'blob-if-blob':
      return looksLikeBlob(stored as Uint8Array) ? decoded(stored as Uint8Array) : { kind: 'none' };
    case 'attach':
      return attachment(stored as Uint8Array);
    case 'blob-store': case 'attach-store': {
      const bytes = await storeObject(stored as string, objects);
      if (!(bytes instanceof Uint8Array)) return { kind: 'error', message: bytes.missing };
      return how === 'blob-store' ? decoded(bytes) : attachment(bytes);
    }
  }
}
