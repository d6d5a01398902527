/**
 * The open view of DataJoint's own corpora (../shared/datajoint-harness/corpus/*, made by real
 * DataJoint 2.3.2): restored on the fitting backend, exported, open view written. Every blob
 * and attachment gets its file without an error, and DataJoint's digest is reproduced from the
 * open files alone: for every table whose columns are integers, strings, floats, blobs and
 * attachments, the rows rebuilt from the table's key columns and the open files (`.npy` through
 * an independent parser, JSON documents read back by formats/open.md) canonicalised as the
 * harness's digest.py does give the content hash DataJoint recorded. The digest keeps per table
 * one hash over all rows (no per-value hashes), so that is what is compared.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as B from '../../src/blob/index.js';
import { exportPipeline } from '../../src/export/export.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { openAttributes, writeOpenView, type OpenViewResult } from '../../src/open/index.js';
import { readParquet } from '../../src/parquet/reader.js';
import type { PipelineManifest, SchemaManifest, TableManifest } from '../../src/snapshot/manifest.js';
import type { CValue } from '../../src/values/kinds.js';
import { type PyJson, canon, canonGraph, contentHash, pyFloatRepr } from '../blob/digest-canon.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { CORPORA, corpusDir, corpusFits, corpusPresent, restoreCorpus, type RestoredCorpus } from '../support/corpus.js';
import { readOpenFile } from './open-files.js';

interface DigestTable {
  primary_key: string[];
  heading: { name: string; type: string }[];
  row_count: number;
  content_hash: string;
  raw_fallback?: Record<string, { count: number; error: string }>;
}

const present = CORPORA.filter((c) => corpusPresent(c));
if (present.length < CORPORA.length) {
  console.warn(`SKIPPING open-view corpus tests for ${CORPORA.filter((c) => !present.includes(c)).join(', ')}: ../shared/datajoint-harness/corpus is absent`);
}

async function rowsOf(staging: string, table: TableManifest): Promise<CValue[][]> {
  const out: CValue[][] = [];
  for (const f of table.files) for await (const batch of readParquet(path.join(staging, ...f.path.split('/')))) out.push(...batch);
  return out;
}

const keyOf = (values: readonly CValue[]): string => JSON.stringify(values, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));

/** digest.py's canonical value of a plain column, or undefined when this test does not cover its kind. */
function canonPlain(kind: string, v: CValue): PyJson | undefined {
  if (v === null) return null;
  if (/^u?int(8|16|32|64)$/.test(kind)) return BigInt(v as number | bigint);
  if (kind === 'string') return v as string;
  if (kind === 'float32') return { $float32: pyFloatRepr(v as number) };
  if (kind === 'float64') return { $float: pyFloatRepr(v as number) };
  return undefined;
}

forEachBackend((backend) => {
  const fitting = present.filter((c) => corpusFits(c, backend));
  if (!fitting.length) it.skip('no reference corpus for this backend here (../shared absent)', () => {});
  for (const corpus of fitting) {
    describe(`corpus ${corpus} → open view`, () => {
      let scratch: Scratch;
      let work: string;
      let restored: RestoredCorpus;
      let staging: string;
      let schemas: SchemaManifest[];
      let result: OpenViewResult;

      beforeAll(async () => {
        scratch = await backend.createScratch();
        work = await mkdtemp(path.join(os.tmpdir(), 'dj-open-corpus-'));
        restored = await restoreCorpus(corpus, backend, scratch, work);
        const repo = path.join(work, 'snapshot');
        const db = await scratch.connect();
        try {
          await exportPipeline({ db, schemas: restored.schemas, stores: parseStoreConfig(restored.stores, '/'), repo });
        } finally {
          await db.close();
        }
        staging = path.join(work, 'staging');
        await cp(repo, staging, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
        const pipeline = JSON.parse(readFileSync(path.join(staging, 'dj-snapshot.json'), 'utf8')) as PipelineManifest;
        schemas = pipeline.schemas.map((s) => JSON.parse(readFileSync(path.join(staging, s.path), 'utf8')) as SchemaManifest);
        const t0 = performance.now();
        result = await writeOpenView({ stagingDir: staging, schemas });
        console.log(`[open view] ${corpus} on ${backend.label}: ${result.files} files, ${result.bytes} bytes, ${result.tables} tables in ${(performance.now() - t0).toFixed(0)} ms`);
      });
      afterAll(async () => {
        await scratch?.cleanup();
        if (work) await rm(work, { recursive: true, force: true });
      });

      it('gives every blob and attachment DataJoint wrote an open file, without an error', () => {
        expect(result.errors).toBe(0);
        expect(result.skipped).toEqual([]);
        expect(result.tables).toBeGreaterThanOrEqual(8);
      });

      it('reproduces DataJoint\'s digest of every blob/attachment table from the open files alone', async () => {
        const digest = JSON.parse(readFileSync(path.join(corpusDir(corpus), 'digest.json'), 'utf8')) as
          { schemas: Record<string, { tables: Record<string, DigestTable> }> };
        const checked: string[] = [];
        const notCovered: string[] = [];
        for (const [short, entry] of Object.entries(digest.schemas)) {
          const schema = schemas.find((s) => s.name === restored.schemaOf(short));
          if (!schema) continue;
          for (const [name, dt] of Object.entries(entry.tables)) {
            const table = schema.tables.find((t) => t.name === name)!;
            const attrs = openAttributes(table, schema.datajoint);
            if (!attrs.length) continue;
            const openByName = new Map(attrs.map((a, j) => [a.column.name, { a, j }]));
            const plainKinds = dt.heading.filter((h) => !openByName.has(h.name)).map((h) => table.columns.find((c) => c.name === h.name)!.kind);
            if (plainKinds.some((k) => canonPlain(k, 0) === undefined)) {
              notCovered.push(`${short}.${name}`);
              continue;
            }
            const tableRows = await rowsOf(staging, table);
            const keyIdx = table.primaryKey.map((k) => table.columns.findIndex((c) => c.name === k));
            const index = new Map<string, CValue[]>();
            for await (const batch of readParquet(path.join(staging, 'open', schema.name, `${name}.parquet`))) {
              for (const r of batch) index.set(keyOf(r.slice(0, keyIdx.length)), r);
            }
            const canonical = tableRows.map((row) => {
              const entryRow = index.get(keyOf(keyIdx.map((i) => row[i])))!;
              const out: Record<string, PyJson> = {};
              for (const h of dt.heading) {
                const col = table.columns.findIndex((c) => c.name === h.name);
                const open = openByName.get(h.name);
                if (!open) {
                  out[h.name] = canonPlain(table.columns[col].kind, row[col])!;
                  continue;
                }
                const p = entryRow[keyIdx.length + open.j] as string | null;
                if (p === null) {
                  out[h.name] = null;
                  continue;
                }
                const shown = readOpenFile(staging, p, open.a.how.startsWith('attach'));
                if (shown.kind === 'attachment') {
                  out[h.name] = dt.raw_fallback?.[h.name]
                    // DataJoint could not read it (its PostgreSQL <attach> bug): the digest holds the raw column value
                    ? { $raw: canon(B.bytes(new Uint8Array(Buffer.concat([Buffer.from(shown.name, 'utf8'), Buffer.from([0]), shown.contents])))) }
                    : { $attach: { name: shown.name, size: BigInt(shown.contents.length), sha256: createHash('sha256').update(shown.contents).digest('hex') } };
                } else {
                  out[h.name] = h.type === '<graph>' ? canonGraph(shown.value) : canon(shown.value);
                }
              }
              return out;
            });
            expect(canonical.length, `${short}.${name}`).toBe(dt.row_count);
            expect(contentHash(canonical, dt.primary_key), `${short}.${name}`).toBe(dt.content_hash);
            checked.push(`${short}.${name} (${canonical.length} rows)`);
          }
        }
        console.log(`[open view digest] ${corpus} on ${backend.label}: DataJoint's content hash reproduced from the open view for ${checked.length} tables: ${checked.join(', ')}` +
          (notCovered.length ? `; not covered (other column types): ${notCovered.join(', ')}` : ''));
        expect(checked.length).toBeGreaterThanOrEqual(10);
      });
    });
  }
});
