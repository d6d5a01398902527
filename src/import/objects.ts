/**
 * Put a snapshot's object files into the target stores at their stored relative paths, byte
 * for byte: streamed into a temporary file next to the destination, hashed on the way, renamed
 * into place only when the hash matches. A path already holding the identical file is left
 * alone (an import can be resumed or repeated); one holding a different file is never
 * overwritten: all such conflicts are found before anything is written.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TargetError, UsageError } from '../errors/base.js';
import type { StoreConfig } from '../objects/stores.js';
import { ObjectConflictError, StoresNotConfiguredError } from './errors.js';
import { sha256File } from './source.js';
import type { PresentObject } from './verify-snapshot.js';

export interface ObjectTarget {
  object: PresentObject;
  dest: string;
  /** The identical file is there already. */
  present: boolean;
}

export function destinationOf(config: StoreConfig, store: string, relativePath: string): string {
  const s = config.stores.get(store);
  if (!s) throw new StoresNotConfiguredError([store], [store]);
  return path.join(s.location, ...relativePath.split('/'));
}

/** Where every object goes, which are there already, and every conflict (before writing anything). */
export async function planObjectWrites(objects: readonly PresentObject[], storeNames: readonly string[], config: StoreConfig): Promise<ObjectTarget[]> {
  const missing = storeNames.filter((s) => !config.stores.has(s));
  if (missing.length) throw new StoresNotConfiguredError(missing, [...storeNames]);
  for (const name of storeNames) {
    const location = config.stores.get(name)!.location;
    const st = await stat(location).catch(() => null);
    if (st && !st.isDirectory()) {
      throw new UsageError(`Store "${name}" location ${location} exists and is not a directory. Fix "location" in the stores file.`, { store: name });
    }
  }
  const targets: ObjectTarget[] = [];
  const conflicts: string[] = [];
  for (const object of objects) {
    const dest = destinationOf(config, object.store, object.path);
    const st = await stat(dest).catch(() => null);
    if (!st) {
      targets.push({ object, dest, present: false });
      continue;
    }
    if (!st.isFile()) {
      conflicts.push(`${object.store}:${object.path}: ${dest} exists and is not a file`);
      continue;
    }
    const actual = st.size === object.size ? await sha256File(dest) : null;
    if (actual && actual.sha256 === object.sha256) targets.push({ object, dest, present: true });
    else conflicts.push(`${object.store}:${object.path}: ${dest} holds a different file (${st.size} bytes${actual ? `, sha256 ${actual.sha256}` : ''})`);
  }
  if (conflicts.length) throw new ObjectConflictError(conflicts);
  return targets;
}

export class ObjectWriteError extends TargetError {
  constructor(dest: string, why: string) {
    super('object_write', `Writing object ${dest} failed: ${why}. Nothing was left at that path; check the store's disk and permissions, then run again with --resume.`, { dest });
  }
}

async function writeOne(t: ObjectTarget): Promise<void> {
  await mkdir(path.dirname(t.dest), { recursive: true });
  const temp = path.join(path.dirname(t.dest), `.${path.basename(t.dest)}.dj-import-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(t.object.local, { highWaterMark: 1 << 20 }), tap, createWriteStream(temp, { flags: 'wx' }));
    const sha256 = hash.digest('hex');
    if (size !== t.object.size || sha256 !== t.object.sha256) {
      throw new ObjectWriteError(t.dest, `wrote ${size} bytes with sha256 ${sha256}, expected ${t.object.size} bytes with ${t.object.sha256}`);
    }
    await rename(temp, t.dest);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (e instanceof ObjectWriteError) throw e;
    throw new ObjectWriteError(t.dest, (e as Error).message);
  }
}

export async function writeObjects(targets: readonly ObjectTarget[], onProgress?: (done: number, bytes: number) => void): Promise<{ written: number; bytes: number }> {
  let written = 0;
  let bytes = 0;
  let done = 0;
  for (const t of targets) {
    if (!t.present) {
      await writeOne(t);
      written++;
      bytes += t.object.size;
    }
    onProgress?.(++done, bytes);
  }
  return { written, bytes };
}

/** Re-hash every object in its store; the problems found. */
export async function verifyObjects(targets: readonly ObjectTarget[]): Promise<string[]> {
  const problems: string[] = [];
  for (const t of targets) {
    const actual = await sha256File(t.dest).catch((e: Error) => e);
    if (actual instanceof Error) problems.push(`${t.object.store}:${t.object.path}: cannot read ${t.dest} (${actual.message})`);
    else if (actual.sha256 !== t.object.sha256 || actual.size !== t.object.size) problems.push(`${t.object.store}:${t.object.path}: ${t.dest} has sha256 ${actual.sha256}, expected ${t.object.sha256}`);
  }
  return problems;
}
