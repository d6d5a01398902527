/**
 * Object references in codec metadata (reference §4.3-4.7): a JSON value with a `path` names a
 * file (or folder) relative to a store root. This is how DataJoint's own garbage collector finds
 * references, so it also covers custom codecs we do not know by name.
 */
import { parseCodec } from '../catalog/types.js';

export type ObjectKind = 'hash' | 'schema' | 'filepath' | 'manifest';

export interface ObjectRef {
  /** The store as the metadata names it; '' or null means the default store. */
  store: string | null;
  path: string;
  isDir: boolean;
  kind: Exclude<ObjectKind, 'manifest'>;
  /** Hash-addressed objects: the Base32 MD5 the file must have. */
  hash?: string;
}

const HASH_CODECS = new Set(['hash', 'blob', 'attach']);

/** The reference in one JSON metadata value, or null when it names no file. */
export function objectRefOf(jsonText: string, djType: string | null): ObjectRef | null {
  let value: unknown;
  try {
    value = JSON.parse(jsonText);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const meta = value as Record<string, unknown>;
  if (typeof meta.path !== 'string' || !meta.path) return null;
  const codec = djType ? parseCodec(djType) : null;
  const hash = typeof meta.hash === 'string' ? meta.hash : undefined;
  let kind: ObjectRef['kind'];
  if (codec && HASH_CODECS.has(codec.name)) kind = 'hash';
  else if (codec?.name === 'filepath') kind = 'filepath';
  else if (codec && (codec.name === 'object' || codec.name === 'npy')) kind = 'schema';
  else kind = hash && meta.path.split('/').pop() === hash ? 'hash' : 'schema';
  const ref: ObjectRef = {
    store: typeof meta.store === 'string' ? meta.store : null,
    path: meta.path,
    isDir: meta.is_dir === true,
    kind,
  };
  if (kind === 'hash' && hash) ref.hash = hash;
  return ref;
}

/** RFC 4648 Base32, lower case, without padding: DataJoint's name for hash-addressed objects. */
export function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out;
}
