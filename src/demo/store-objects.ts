/**
 * Object-store files and the JSON metadata DataJoint 2.3.2 keeps in the table for them
 * (reference §4.3–4.7; `dj: hash_registry.py (compute_hash, build_hash_path, put_hash)`,
 * `storage.py (build_object_path, encode_pk_value, put_folder)`, `builtin_codecs/object.py,
 * npy.py, filepath.py`). A store named S lives at `<storeRoot>/S` (its `location`), with the
 * default sections `_hash` and `_schema` and no subfolding or partitioning.
 *
 * Where DataJoint uses randomness or the clock (schema-addressed tokens, upload timestamps,
 * manifest `created`), the caller passes fixed values, so seeding twice writes identical bytes.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArrayDtype } from './blob-bytes.js';
import { base32 } from '../objects/references.js';

export const HASH_PREFIX = '_hash';
export const SCHEMA_PREFIX = '_schema';

export interface HashMetadata {
  hash: string;
  path: string;
  schema: string;
  store: string;
  size: number;
  [key: string]: string | number;
}

export interface ObjectMetadata {
  path: string;
  store: string;
  size: number;
  ext: string | null;
  is_dir: boolean;
  item_count: number | null;
  timestamp: string;
  [key: string]: string | number | boolean | null;
}

export interface NpyMetadata {
  path: string;
  store: string;
  dtype: string;
  shape: number[];
  [key: string]: string | number[];
}

export interface FilepathMetadata {
  path: string;
  store: string;
  size: number | null;
  is_dir: boolean;
  timestamp: string;
  [key: string]: string | number | boolean | null;
}

/** A primary-key value as the inserting program passed it; `{ datetime }` stands for a Python datetime. */
export type PathKeyValue = string | number | bigint | { datetime: string };

export interface SchemaAddress {
  store: string;
  schema: string;
  /** The SQL table name with its tier prefix (a normal insert, not a staged one). */
  table: string;
  field: string;
  /** The row's primary key in primary-key order. */
  key: [string, PathKeyValue][];
  /** The random part of the file name DataJoint would draw; fixed here. 4–16 of `A–Z a–z 0–9 - _`. */
  token: string;
}

/** DataJoint's content hash: MD5, RFC 4648 Base32, no padding, lower case (26 characters). */
export function contentHash(bytes: Uint8Array): string {
  return base32(createHash('md5').update(bytes).digest());
}

async function writeStoreFile(storeRoot: string, store: string, relative: string, bytes: Uint8Array): Promise<void> {
  const file = path.join(storeRoot, store, ...relative.split('/'));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
}

/**
 * `<hash@store>`, `<blob@store>`, `<attach@store>`: the stored bytes (packed blob, or
 * `name\0contents`) under `_hash/<schema>/<hash>`, written once per schema and store.
 */
export async function putHashObject(storeRoot: string, store: string, schema: string, bytes: Uint8Array): Promise<HashMetadata> {
  const hash = contentHash(bytes);
  const relative = `${HASH_PREFIX}/${schema}/${hash}`;
  const exists = await stat(path.join(storeRoot, store, ...relative.split('/'))).then(() => true, () => false);
  if (!exists) await writeStoreFile(storeRoot, store, relative, bytes);
  return { hash, path: relative, schema, store, size: bytes.length };
}

/** Python `urllib.parse.quote(s, safe="")`. */
function urlQuote(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `storage.encode_pk_value` for the value types fixtures use. */
export function encodePkValue(value: PathKeyValue): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') {
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.datetime);
    if (!m) throw new RangeError(`not a datetime: ${value.datetime}`);
    return `${m[1]}T${m[2]}-${m[3]}-${m[4]}`;
  }
  if (/[/\\:*?"<>|]/.test(value) || value.length > 100) {
    let s = value;
    if ([...s].length > 100) s = `${[...s].slice(0, 50).join('')}_${createHash('md5').update(s, 'utf8').digest('hex').slice(0, 8)}`;
    return urlQuote(s);
  }
  return value;
}

/** `storage.build_object_path`: `_schema/<schema>/<table>/<k>=<v>/…/<field>_<token><ext>`. */
export function schemaObjectPath(address: SchemaAddress, ext: string | null): string {
  if (!/^[A-Za-z0-9_-]{4,16}$/.test(address.token)) throw new RangeError(`token ${address.token} is not 4-16 characters of A-Z a-z 0-9 - _`);
  let filename = `${address.field}_${address.token}`;
  if (ext) filename += ext.startsWith('.') ? ext : `.${ext}`;
  const keyParts = address.key.map(([k, v]) => `${k}=${encodePkValue(v)}`);
  return [SCHEMA_PREFIX, address.schema, address.table, ...keyParts, filename].join('/');
}

/**
 * `<object@store>` from bytes with an extension (DataJoint's `(ext, data)` form, `ext` recorded
 * as given) or from a file (pass `ext` as the file's suffix, `.csv`).
 */
export async function putSchemaFile(
  storeRoot: string, address: SchemaAddress, bytes: Uint8Array, options: { ext: string | null; timestamp: string },
): Promise<ObjectMetadata> {
  const relative = schemaObjectPath(address, options.ext);
  await writeStoreFile(storeRoot, address.store, relative, bytes);
  return {
    path: relative, store: address.store, size: bytes.length, ext: options.ext, is_dir: false, item_count: null,
    timestamp: options.timestamp,
  };
}

/** `<object@store>` from a folder: the files under the object path plus `<path>.manifest.json`. */
export async function putSchemaFolder(
  storeRoot: string, address: SchemaAddress, files: { path: string; bytes: Uint8Array }[],
  options: { timestamp: string; created: string },
): Promise<ObjectMetadata> {
  const relative = schemaObjectPath(address, null);
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let total = 0;
  for (const f of sorted) {
    if (f.path.startsWith('/') || f.path.split('/').includes('..')) throw new RangeError(`folder entry ${f.path} must be a relative path inside the folder`);
    await writeStoreFile(storeRoot, address.store, `${relative}/${f.path}`, f.bytes);
    total += f.bytes.length;
  }
  const manifest = {
    files: sorted.map((f) => ({ path: f.path, size: f.bytes.length })),
    total_size: total,
    item_count: sorted.length,
    created: options.created,
  };
  // Python's json.dumps(indent=2) and JSON.stringify(…, null, 2) agree for this ASCII shape.
  await writeStoreFile(storeRoot, address.store, `${relative}.manifest.json`, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  return {
    path: relative, store: address.store, size: total, ext: null, is_dir: true, item_count: sorted.length,
    timestamp: options.timestamp,
  };
}

const NPY_DESCR: Partial<Record<ArrayDtype, string>> = {
  float64: '<f8', float32: '<f4', int64: '<i8', int32: '<i4', int16: '<i2', int8: '|i1', uint8: '|u1', bool: '|b1',
};

/** A C-order array in numpy's `.npy` format 1.0 (`numpy.save`, header padded to 64 bytes). */
export function npyBytes(dtype: ArrayDtype, shape: number[], data: (number | bigint | boolean)[]): Uint8Array {
  const descr = NPY_DESCR[dtype];
  if (!descr) throw new RangeError(`npy fixtures do not write ${dtype}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`array of shape [${shape}] needs ${count} elements, got ${data.length}`);
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  // numpy leaves room for the first axis to grow in place (GROWTH_AXIS_MAX_DIGITS = 21).
  if (shape.length > 0) header += ' '.repeat(21 - String(shape[0]).length);
  // numpy pads a full 64 bytes when already aligned (no second modulo).
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += `${' '.repeat(pad)}\n`;
  const size = Number(descr.slice(2));
  const out = new Uint8Array(10 + header.length + count * size);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  data.forEach((x, i) => {
    const at = i * size;
    switch (dtype) {
      case 'float64': view.setFloat64(at, Number(x), true); break;
      case 'float32': view.setFloat32(at, Number(x), true); break;
      case 'int64': view.setBigInt64(at, BigInt(x as number | bigint), true); break;
      case 'int32': view.setInt32(at, Number(x), true); break;
      case 'int16': view.setInt16(at, Number(x), true); break;
      case 'int8': view.setInt8(at, Number(x)); break;
      case 'uint8': view.setUint8(at, Number(x)); break;
      case 'bool': view.setUint8(at, x ? 1 : 0); break;
    }
  });
  return out;
}

/** `<npy@store>`: the `.npy` file at a schema-addressed path; metadata `{path, store, dtype, shape}`. */
export async function putNpy(
  storeRoot: string, address: SchemaAddress, array: { dtype: ArrayDtype; shape: number[]; data: (number | bigint | boolean)[] },
): Promise<NpyMetadata> {
  const relative = schemaObjectPath(address, '.npy');
  await writeStoreFile(storeRoot, address.store, relative, npyBytes(array.dtype, array.shape, array.data));
  return { path: relative, store: address.store, dtype: array.dtype, shape: [...array.shape] };
}

/**
 * `<filepath@store>`: a file the user placed in the store (outside `_hash`/`_schema`), written
 * here, and the metadata DataJoint records for it.
 */
export async function putFilepath(
  storeRoot: string, store: string, relative: string, bytes: Uint8Array, options: { timestamp: string },
): Promise<FilepathMetadata> {
  const first = relative.split('/')[0];
  if (first === HASH_PREFIX || first === SCHEMA_PREFIX || relative.startsWith('/') || relative.split('/').includes('..')) {
    throw new RangeError(`filepath ${relative} must be a relative path outside ${HASH_PREFIX}/ and ${SCHEMA_PREFIX}/`);
  }
  await writeStoreFile(storeRoot, store, relative, bytes);
  return { path: relative, store, size: bytes.length, is_dir: false, timestamp: options.timestamp };
}
