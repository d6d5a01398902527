/**
 * Copy referenced store files into a snapshot's staging area, byte for byte, hashing as they
 * stream. Problems (missing, unreadable, hash mismatch, unknown store) are collected for all
 * objects first, so one run lists every one of them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { objectPath } from '../snapshot/layout.js';
import type { ObjectKind, ObjectRef } from './references.js';
import { base32 } from './references.js';
import { resolveStoreName, type StoreConfig } from './stores.js';
import { mapConcurrently } from '../util/map-concurrently.js';

export interface ObjectEntry {
  store: string;
  path: string;
  size?: number;
  sha256?: string;
  kind: ObjectKind;
  missing?: true;
  problem?: string;
}

export interface ObjectProblem {
  store: string;
  path: string;
  problem: string;
}

/** Collects distinct references while rows stream by. */
export class ObjectCollector {
  private readonly refs = new Map<string, ObjectRef & { storeName: string }>();

  constructor(private readonly config: StoreConfig) {}

  add(ref: ObjectRef): void {
    const storeName = resolveStoreName(this.config, ref.store, ref.kind === 'filepath') ?? '';
    const key = `${storeName}\u0000${ref.path}`;
    if (!this.refs.has(key)) this.refs.set(key, { ...ref, storeName });
  }

  get size(): number {
    return this.refs.size;
  }

  storeNames(): string[] {
    return [...new Set([...this.refs.values()].map((r) => r.storeName))].sort();
  }

  all(): (ObjectRef & { storeName: string })[] {
    return [...this.refs.values()];
  }
}

export interface CopyResult {
  entries: ObjectEntry[];
  problems: ObjectProblem[];
  bytes: number;
}

/**
 * Copy every collected object to `<stagingDir>/objects/<store>/<path>`. Returns the entries
 * sorted by store and path (bytewise), and the problems found.
 */
export async function copyObjects(
  collector: ObjectCollector,
  config: StoreConfig,
  stagingDir: string,
  onProgress?: (done: number, bytes: number) => void,
): Promise<CopyResult> {
  const entries: ObjectEntry[] = [];
  const problems: ObjectProblem[] = [];
  let bytes = 0;
  let done = 0;
  const work: (() => Promise<void>)[] = [];

  for (const ref of collector.all()) {
    work.push(async () => {
      const fail = (problem: string) => {
        problems.push({ store: ref.storeName, path: ref.path, problem });
        entries.push({ store: ref.storeName, path: ref.path, kind: ref.kind, missing: true, problem });
      };
      const store = config.stores.get(ref.storeName);
      if (!store) {
        fail(ref.storeName
          ? `store "${ref.storeName}" is not configured (pass --stores with a file store of that name)`
          : 'the value names no store and no default store is configured (pass --stores with "default")');
        return;
      }
      const source = path.join(store.location, ...ref.path.split('/'));
      const st = await stat(source).catch(() => null);
      if (!st) {
        fail(`missing: ${source} does not exist`);
        return;
      }
      if (st.isDirectory()) {
        for (const rel of await listFiles(source)) {
          const relPath = `${ref.path}/${rel}`;
          const copied = await copyOne(path.join(source, ...rel.split('/')), path.join(stagingDir, objectPath(ref.storeName, relPath)));
          entries.push({ store: ref.storeName, path: relPath, size: copied.size, sha256: copied.sha256, kind: ref.kind });
          bytes += copied.size;
        }
        if (ref.kind === 'schema') {
          const manifestRel = `${ref.path}.manifest.json`;
          const manifestSrc = path.join(store.location, ...manifestRel.split('/'));
          if (await stat(manifestSrc).catch(() => null)) {
            const copied = await copyOne(manifestSrc, path.join(stagingDir, objectPath(ref.storeName, manifestRel)));
            entries.push({ store: ref.storeName, path: manifestRel, size: copied.size, sha256: copied.sha256, kind: 'manifest' });
            bytes += copied.size;
          } else if (ref.isDir) {
            problems.push({ store: ref.storeName, path: manifestRel, problem: `missing: the folder object's manifest ${manifestSrc} does not exist` });
            entries.push({ store: ref.storeName, path: manifestRel, kind: 'manifest', missing: true, problem: 'missing' });
          }
        }
      } else {
        const copied = await copyOne(source, path.join(stagingDir, objectPath(ref.storeName, ref.path)));
        if (ref.kind === 'hash') {
          const expected = ref.hash ?? ref.path.split('/').pop()!;
          if (copied.md5base32 !== expected) {
            fail(`corrupt: the content's MD5 is ${copied.md5base32}, but the object is addressed as ${expected}`);
            return;
          }
        }
        entries.push({ store: ref.storeName, path: ref.path, size: copied.size, sha256: copied.sha256, kind: ref.kind });
        bytes += copied.size;
      }
      done++;
      onProgress?.(done, bytes);
    });
  }
  await mapConcurrently(work, 4, (task) => task());
  entries.sort((a, b) => compareBytes(a.store, b.store) || compareBytes(a.path, b.path));
  problems.sort((a, b) => compareBytes(a.store, b.store) || compareBytes(a.path, b.path));
  return { entries, problems, bytes };
}

export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function copyOne(source: string, dest: string): Promise<{ size: number; sha256: string; md5base32: string }> {
  await mkdir(path.dirname(dest), { recursive: true });
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sha.update(chunk);
      md5.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(createReadStream(source), tap, createWriteStream(dest));
  return { size, sha256: sha.digest('hex'), md5base32: base32(md5.digest()) };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => compareBytes(a.name, b.name));
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}
