/**
 * Every blob DataJoint 2.3.2 wrote into the harness corpora (../shared/datajoint-harness/corpus/*)
 * must decode and re-encode byte for byte: in-table `<blob>` columns, custom codecs that chain to
 * `<blob>` (`<graph>`, `<layout>` of DataJoint's tests/schema_codecs.py), and `<blob@store>`
 * payloads found through the JSON metadata of their columns.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBlob, decodeBlobDetailed, encodeBlob, looksLikeBlob } from '../../src/blob/index.js';
import { type DumpTable, readDump, readTar } from './dump-reader.js';
import { toHex } from './bytes.js';
import { type PyJson, canon, canonGraph, contentHash } from './digest-canon.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusRoot = path.resolve(repoRoot, '../shared/datajoint-harness/corpus');

/** In-table codecs whose stored bytes are blobs: `<blob>` and the test codecs that chain to it. */
const IN_TABLE_BLOB_CODECS = new Set(['<blob>', '<graph>', '<layout>']);

const corpora = existsSync(corpusRoot)
  ? readdirSync(corpusRoot).filter((d) => existsSync(path.join(corpusRoot, d, 'dump.sql.gz')))
  : [];

if (corpora.length === 0) {
  console.warn(`\n!!! SKIPPING blob corpus test: no corpora under ${corpusRoot} (is ../shared present?) !!!\n`);
}

function marker(comment: string | null): string | undefined {
  return comment ? /^:(<[^>]+>):/.exec(comment)?.[1] : undefined;
}

/** DataJoint's content hash: MD5 → Base32 (RFC 4648), lower case, no padding. */
function djHash(b: Uint8Array): string {
  const md5 = createHash('md5').update(b).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const byte of md5) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += alphabet[(acc >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out;
}

function roundTrip(bytes: Uint8Array, where: string, stats: Map<string, number>, kind: string): void {
  const d = decodeBlobDetailed(bytes);
  const again = encodeBlob(d.value);
  if (toHex(again) !== toHex(bytes)) {
    throw new Error(`${where}: re-encoded bytes differ (${bytes.length} stored, ${again.length} re-encoded)`);
  }
  const key = `${kind} ${d.protocol}${d.compressed ? '+ZL123' : ''}`;
  stats.set(key, (stats.get(key) ?? 0) + 1);
}

describe.skipIf(corpora.length === 0)('DataJoint corpora: every blob round-trips byte for byte', () => {
  for (const corpus of corpora) {
    it(corpus, () => {
      const dir = path.join(corpusRoot, corpus);
      const { flavour, tables } = readDump(readFileSync(path.join(dir, 'dump.sql.gz')));
      const store = readTar(readFileSync(path.join(dir, 'store.tar.gz')));
      const stats = new Map<string, number>();
      const referenced = new Set<string>();
      let nulls = 0;
      const where = (t: DumpTable, c: string, r: number): string => `${corpus} ${t.schema}.${t.name}.${c} row ${r}`;

      for (const t of tables) {
        t.columns.forEach((col, ci) => {
          const type = marker(col.comment);
          t.rows.forEach((row, ri) => {
            const v = row[ci];
            if (v === null) { if (type && (IN_TABLE_BLOB_CODECS.has(type) || type.startsWith('<blob@'))) nulls++; return; }
            if (type && IN_TABLE_BLOB_CODECS.has(type)) {
              if (!(v instanceof Uint8Array)) throw new Error(`${where(t, col.name, ri)}: not binary`);
              roundTrip(v, where(t, col.name, ri), stats, `in-table ${type}`);
            } else if (type?.startsWith('<blob@')) {
              const meta = JSON.parse(typeof v === 'string' ? v : Buffer.from(v).toString('utf8')) as
                { hash: string; path: string; store: string; size: number };
              const key = `${meta.store}/${meta.path}`;
              const payload = store.get(key);
              if (!payload) throw new Error(`${where(t, col.name, ri)}: ${key} missing from store.tar.gz`);
              expect(payload.length).toBe(meta.size);
              expect(djHash(payload)).toBe(meta.hash);
              referenced.add(key);
              roundTrip(payload, `${where(t, col.name, ri)} (${key})`, stats, 'store <blob@>');
            } else if (v instanceof Uint8Array && looksLikeBlob(v)) {
              throw new Error(`${where(t, col.name, ri)}: blob-shaped bytes in a column marked ${type ?? '(none)'}`);
            }
          });
        });
      }
      // hash-addressed payloads that look like blobs must all be referenced by a <blob@> column
      const unreferenced = [...store.keys()].filter(
        (k) => k.includes('/_hash/') && !referenced.has(k) && looksLikeBlob(store.get(k)!),
      );
      expect(unreferenced).toEqual([]);

      const total = [...stats.values()].reduce((a, b) => a + b, 0);
      console.log(`\n[blob corpus] ${corpus} (${flavour}): ${total} blobs round-tripped byte for byte` +
        `, ${nulls} NULL blob values, ${referenced.size} distinct store payloads`);
      for (const [k, n] of [...stats].sort()) console.log(`  ${String(n).padStart(5)}  ${k}`);
      expect(total).toBeGreaterThan(0);
      expect([...stats.keys()].some((k) => k.startsWith('store'))).toBe(true);
      expect([...stats.keys()].some((k) => k.includes('<graph>'))).toBe(true);
    });
  }
});

interface DigestTable {
  primary_key: string[];
  heading: { name: string; type: string }[];
  content_hash: string;
  row_count: number;
}

/**
 * Independent check of decoder + canonicalArrayHash: recompute, from our decoded values, the
 * content hash that DataJoint's own digest (digest.json, made by reading through DataJoint)
 * recorded for every table whose columns are integers and blobs.
 */
describe.skipIf(corpora.length === 0)('DataJoint corpora: decoded blobs agree with DataJoint\'s digest', () => {
  for (const corpus of corpora) {
    it(corpus, () => {
      const dir = path.join(corpusRoot, corpus);
      const { tables } = readDump(readFileSync(path.join(dir, 'dump.sql.gz')));
      const store = readTar(readFileSync(path.join(dir, 'store.tar.gz')));
      const digest = JSON.parse(readFileSync(path.join(dir, 'digest.json'), 'utf8')) as
        { schemas: Record<string, { tables: Record<string, DigestTable> }> };
      const prefix = (JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { prefix?: string }).prefix ?? 'dj_';
      const intType = /^(int|integer|smallint|tinyint|bigint|mediumint|int8|int16|int32|int64|uint8|uint16|uint32|uint64)$/;
      const blobType = (t: string): boolean => t === '<blob>' || t === '<layout>' || t === '<graph>' || t.startsWith('<blob@');
      const checked: string[] = [];
      for (const [schema, entry] of Object.entries(digest.schemas)) {
        for (const [name, dt] of Object.entries(entry.tables)) {
          if (!dt.heading.some((h) => blobType(h.type))) continue;
          if (!dt.heading.every((h) => blobType(h.type) || intType.test(h.type))) continue;
          const t = tables.find((x) => x.schema === prefix + schema && x.name === name);
          if (!t) throw new Error(`${schema}.${name} missing from the dump`);
          const rows = t.rows.map((row) => {
            const out: Record<string, PyJson> = {};
            for (const h of dt.heading) {
              const v = row[t.columns.findIndex((c) => c.name === h.name)];
              if (v === null) { out[h.name] = null; continue; }
              if (intType.test(h.type)) { out[h.name] = BigInt(v as string); continue; }
              let bytes = v as Uint8Array;
              if (h.type.startsWith('<blob@')) {
                const meta = JSON.parse(typeof v === 'string' ? v : Buffer.from(v).toString('utf8')) as { store: string; path: string };
                bytes = store.get(`${meta.store}/${meta.path}`)!;
              }
              const value = decodeBlob(bytes);
              out[h.name] = h.type === '<graph>' ? canonGraph(value) : canon(value);
            }
            return out;
          });
          expect(rows.length).toBe(dt.row_count);
          expect(contentHash(rows, dt.primary_key), `${schema}.${name}`).toBe(dt.content_hash);
          checked.push(`${schema}.${name} (${rows.length} rows)`);
        }
      }
      console.log(`\n[blob digest] ${corpus}: content hash equal to DataJoint's for ${checked.length} tables: ${checked.join(', ')}`);
      expect(checked.length).toBeGreaterThan(0);
    });
  }
});
