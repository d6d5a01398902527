/**
 * Every reference corpus of the DataJoint harness (real DataJoint 2.3.2 databases) restores and
 * exports completely: every table DataJoint lists, with its row count; `~lineage`; every file of
 * the object store, byte for byte; nothing missing.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPipeline, type ExportResult } from '../../src/export/export.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { objectPath } from '../../src/snapshot/layout.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { CORPORA, corpusDigest, corpusFits, corpusMeta, corpusPresent, restoreCorpus, type RestoredCorpus } from '../support/corpus.js';

function filesUnder(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(root, rel));
    else out.push(rel);
  }
  return out;
}

const present = CORPORA.filter((c) => corpusPresent(c));
if (present.length < CORPORA.length) {
  console.warn(`SKIPPING corpus export tests for ${CORPORA.filter((c) => !present.includes(c)).join(', ')}: ../shared/datajoint-harness/corpus is absent`);
}

forEachBackend((backend) => {
  const fitting = present.filter((c) => corpusFits(c, backend));
  if (!fitting.length) it.skip('no reference corpus for this backend here (../shared absent)', () => {});
  for (const corpus of fitting) {
    describe(`corpus ${corpus} → dj-export`, () => {
      let scratch: Scratch;
      let work: string;
      let restored: RestoredCorpus;
      let result: ExportResult;
      let repo: string;

      beforeAll(async () => {
        scratch = await backend.createScratch();
        work = await mkdtemp(path.join(os.tmpdir(), 'dj-corpus-'));
        restored = await restoreCorpus(corpus, backend, scratch, work);
        repo = path.join(work, 'snapshot');
        const db = await scratch.connect();
        try {
          result = await exportPipeline({ db, schemas: restored.schemas, stores: parseStoreConfig(restored.stores, '/'), repo });
        } finally {
          await db.close();
        }
      });
      afterAll(async () => {
        await scratch?.cleanup();
        if (work) await rm(work, { recursive: true, force: true });
      });

      it('exports every table DataJoint lists, with its row count, and ~lineage', async () => {
        const digest = corpusDigest(corpus);
        const meta = corpusMeta(corpus);
        let checked = 0;
        for (const [short, schema] of Object.entries(digest.schemas)) {
          const name = restored.schemaOf(short);
          const manifest = JSON.parse(await readFile(path.join(repo, 'schemas', name, 'schema.json'), 'utf8')) as SchemaManifest;
          const tables = new Map(manifest.tables.map((t) => [t.name, t]));
          for (const [table, expected] of Object.entries(schema.tables)) {
            expect(tables.get(table)?.rows, `${name}.${table}`).toBe(expected.row_count);
            expect(tables.get(table)?.primaryKey, `${name}.${table}`).toEqual(expected.primary_key);
            checked++;
          }
          for (const [table, expected] of Object.entries(schema.internal)) {
            expect(tables.get(table)?.rows, `${name}.${table}`).toBe(expected.row_count);
          }
        }
        expect(checked).toBeGreaterThan(50);
        expect(result.schemas.map((s) => s.name).sort()).toEqual(meta.schemas.map((s) => restored.schemaOf(s.slice(meta.prefix.length))).sort());
        const digestRows = Object.values(digest.schemas).reduce((n, s) => n + Object.values(s.tables).reduce((m, t) => m + t.row_count, 0)
          + Object.values(s.internal).reduce((m, t) => m + t.row_count, 0), 0);
        expect(result.rows).toBeGreaterThanOrEqual(digestRows);
      });

      it('copies every file of the object store byte for byte, none missing', () => {
        expect(result.objects.missing).toBe(0);
        const lines = readFileSync(path.join(repo, 'objects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { store: string; path: string; sha256: string; size: number });
        const listed = new Map(lines.map((l) => [`${l.store}/${l.path}`, l]));
        const files = filesUnder(restored.storeRoot);
        expect(files.length).toBe(corpusMeta(corpus).store_files);
        for (const f of files) {
          const entry = listed.get(f);
          expect(entry, f).toBeDefined();
          const bytes = readFileSync(path.join(restored.storeRoot, f));
          expect(entry!.size).toBe(bytes.length);
          expect(entry!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
          const [store, ...rest] = f.split('/');
          expect(readFileSync(path.join(repo, objectPath(store, rest.join('/'))))).toEqual(bytes);
        }
        expect(lines.length).toBe(files.length);
      });

      it('re-exporting the unchanged database makes no commit', async () => {
        const db = await scratch.connect();
        const again = await exportPipeline({ db, schemas: restored.schemas, stores: parseStoreConfig(restored.stores, '/'), repo })
          .finally(() => db.close());
        expect(again.unchanged).toBe(true);
        expect(again.tree).toBe(result.tree);
        expect(again.pipelineHash).toBe(result.pipelineHash);
      });
    });
  }
});
