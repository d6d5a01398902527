/**
 * What a DataJoint 2.x user sets to work on a served snapshot: the `database` and `stores`
 * blocks of `datajoint.json`, and the same as environment variables (DataJoint 2.3's names:
 * `DJ_HOST`, `DJ_PORT`, `DJ_BACKEND`, `DJ_USER`, `DJ_PASS`, `DJ_USE_TLS`, and `DJ_STORES`, a
 * JSON object, since 2.2.3). DataJoint's `database.backend` accepts `mysql` or `postgresql`
 * only. It insists on a user and a password although the server checks neither, so the
 * settings carry the user `postgres` and a placeholder password that is not a secret.
 */
import path from 'node:path';
import { parseStoreConfig, type StoreConfig } from '../objects/stores.js';

/** PGlite has one database, `postgres`, and reports every client as user `postgres`. */
export const SERVED_DATABASE = 'postgres';
export const SERVED_USER = 'postgres';
/** Any password is accepted; DataJoint just needs one to be set. */
export const PLACEHOLDER_PASSWORD = 'unused';

export type DataJointStores = Record<string, string | { protocol: 'file'; location: string }>;

export interface DataJointSettings {
  database: { backend: 'postgresql'; host: string; port: number; user: string; name: string; use_tls: false };
  /** DataJoint's `stores` setting: one file store per store the snapshot uses, and `default`. */
  stores: DataJointStores;
}

/**
 * The stores setting for `names` under `root` (one folder per store). `default` is the only
 * store, or else the first by name: the snapshot records store names, not which one was the
 * default (values of `<x@>` columns name their store, so reading needs no default).
 */
export function fileStores(root: string, names: readonly string[]): DataJointStores {
  const sorted = [...new Set(names)].sort();
  const stores: DataJointStores = {};
  if (sorted.length) stores.default = sorted[0];
  for (const name of sorted) stores[name] = { protocol: 'file', location: path.join(path.resolve(root), name) };
  return stores;
}

/** The same stores as dj-import's configuration. */
export function storeConfigOf(stores: DataJointStores): StoreConfig {
  return parseStoreConfig(stores, process.cwd(), 'dj-serve stores');
}

export function dataJointSettings(host: string, port: number, stores: DataJointStores): DataJointSettings {
  return {
    database: { backend: 'postgresql', host, port, user: SERVED_USER, name: SERVED_DATABASE, use_tls: false },
    stores,
  };
}

/** Environment variables that configure DataJoint 2.3 for these settings, in a stable order. */
export function dataJointEnv(settings: DataJointSettings): Record<string, string> {
  const env: Record<string, string> = {
    DJ_HOST: settings.database.host,
    DJ_PORT: String(settings.database.port),
    DJ_BACKEND: settings.database.backend,
    DJ_USER: settings.database.user,
    DJ_PASS: PLACEHOLDER_PASSWORD,
    DJ_USE_TLS: 'false',
  };
  if (Object.keys(settings.stores).length) env.DJ_STORES = JSON.stringify(settings.stores);
  return env;
}

/** `NAME=value …` ready to paste before a command in a POSIX shell. */
export function envLine(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
}

export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
