/**
 * Object-store configuration in the shape of DataJoint's `stores` setting (reference §4.1):
 * `{"default": "main", "filepath_default": "raw", "main": {"protocol": "file", "location": "/data"}}`,
 * or the same wrapped as `{"stores": {...}}` (a `datajoint.json`). Only the file protocol is
 * supported; secrets in other stores' specs are never read into messages or manifests.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors/base.js';

export interface FileStore {
  name: string;
  protocol: 'file';
  /** Absolute directory of the store root. */
  location: string;
  hashPrefix: string;
  schemaPrefix: string;
}

export interface StoreConfig {
  stores: Map<string, FileStore>;
  /** The store that `<x@>` (empty store name) means. */
  defaultStore: string | null;
  filepathDefault: string | null;
}

export const NO_STORES: StoreConfig = { stores: new Map(), defaultStore: null, filepathDefault: null };

export async function loadStoreConfig(file: string): Promise<StoreConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read the stores file ${file}: ${(e as Error).message}.`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`The stores file ${file} is not valid JSON: ${(e as Error).message}.`, { file });
  }
  return parseStoreConfig(parsed, path.dirname(path.resolve(file)), file);
}

export function parseStoreConfig(value: unknown, baseDir: string, origin = 'stores'): StoreConfig {
  const root = isObject(value) && isObject(value.stores) ? value.stores : value;
  if (!isObject(root)) {
    throw new UsageError(`${origin} must be a JSON object of stores like DataJoint's "stores" setting, e.g. {"main": {"protocol": "file", "location": "/data/main"}}.`);
  }
  const stores = new Map<string, FileStore>();
  let defaultStore: string | null = null;
  let filepathDefault: string | null = null;
  for (const [name, spec] of Object.entries(root)) {
    if (name === 'default' || name === 'filepath_default') {
      if (typeof spec !== 'string') throw new UsageError(`${origin}: "${name}" must name a store.`);
      if (name === 'default') defaultStore = spec;
      else filepathDefault = spec;
      continue;
    }
    if (!isObject(spec)) throw new UsageError(`${origin}: store "${name}" must be an object with "protocol" and "location".`);
    const protocol = spec.protocol;
    if (protocol !== 'file') {
      throw new UsageError(
        `${origin}: store "${name}" uses protocol ${JSON.stringify(protocol)}; this version reads and writes file stores only. Mount or sync the store to a directory and describe it as {"protocol": "file", "location": "<dir>"}.`,
        { store: name });
    }
    if (typeof spec.location !== 'string' || !spec.location) {
      throw new UsageError(`${origin}: store "${name}" needs a "location" directory.`, { store: name });
    }
    stores.set(name, {
      name,
      protocol: 'file',
      location: path.resolve(baseDir, spec.location),
      hashPrefix: typeof spec.hash_prefix === 'string' ? spec.hash_prefix : '_hash',
      schemaPrefix: typeof spec.schema_prefix === 'string' ? spec.schema_prefix : '_schema',
    });
  }
  for (const [key, ref] of [['default', defaultStore], ['filepath_default', filepathDefault]] as const) {
    if (ref !== null && !stores.has(ref)) throw new UsageError(`${origin}: "${key}" names store "${ref}", which is not configured.`);
  }
  return { stores, defaultStore, filepathDefault };
}

/** The store a metadata value names: its own name, or the default for `""`/null. */
export function resolveStoreName(config: StoreConfig, named: string | null | undefined, filepath = false): string | null {
  if (named) return named;
  return filepath ? (config.filepathDefault ?? config.defaultStore) : config.defaultStore;
}

export async function checkStoreLocations(config: StoreConfig, needed: Iterable<string>): Promise<void> {
  for (const name of needed) {
    const store = config.stores.get(name);
    if (!store) continue;
    const st = await stat(store.location).catch(() => null);
    if (!st?.isDirectory()) {
      throw new UsageError(`Store "${name}" location ${store.location} is not a directory. Fix "location" in the stores file.`, { store: name });
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
