/**
 * Tables split into parts, on every backend: a table larger than the part limit is written as
 * `<table>.00000.parquet`, `<table>.00001.parquet`, … with its rows in order across them; the
 * split changes the files, never the logical hashes; the parts import into a fresh target and
 * export again to the identical tree.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../src/export/export.js';
import { importSnapshot } from '../../src/import/import.js';
import { readParquet } from '../../src/parquet/reader.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { exportScratch, makeBlobPipeline, removeAll, tableHashes, tempDir } from './helpers.js';

/** Rows of ~1 KB: 12 MB of values, three 4 MiB row groups, so three parts at a 4 MiB limit. */
const ROWS = 12_000;
const SMALL_PARTS = 4 * 1024 * 1024;

async function sampleFiles(repo: string, schema: string): Promise<{ path: string; rows: number; bytes: number }[]> {
  const manifest = JSON.parse(await readFile(path.join(repo, 'schemas', schema, 'schema.json'), 'utf8')) as SchemaManifest;
  return manifest.tables.find((t) => t.name === 'sample')!.files;
}

forEachBackend((backend) => {
  describe('tables in parts', () => {
    let work: string;
    let source: Scratch;
    let target: Scratch | undefined;
    let schema: string;
    let parted: ExportResult;
    const repo = (label: string) => path.join(work, label);

    beforeAll(async () => {
      work = await tempDir(`parts-${backend.name}`);
      source = await backend.createScratch();
      schema = `${source.prefix}parted`;
      const db = await source.connect();
      await makeBlobPipeline(db, schema, ROWS);
      await db.close();
      parted = await exportScratch(source, [schema], repo('parted'), undefined, SMALL_PARTS);
    });
    afterAll(async () => {
      await source?.cleanup();
      await target?.cleanup();
      await removeAll(work);
    });

    it('writes a large table as numbered parts holding its rows in key order', async () => {
      const files = await sampleFiles(repo('parted'), schema);
      expect(files.map((f) => path.basename(f.path))).toEqual(['sample.00000.parquet', 'sample.00001.parquet', 'sample.00002.parquet']);
      expect(files.reduce((n, f) => n + f.rows, 0)).toBe(ROWS);
      const keys: number[] = [];
      for (const f of files) {
        let inFile = 0;
        for await (const batch of readParquet(path.join(repo('parted'), f.path))) {
          for (const row of batch) keys.push(Number(row[0]));
          inFile += batch.length;
        }
        expect(inFile).toBe(f.rows);
      }
      expect(keys).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
      // Small tables stay one file.
      const manifest = JSON.parse(await readFile(path.join(repo('parted'), 'schemas', schema, 'schema.json'), 'utf8')) as SchemaManifest;
      expect(manifest.tables.find((t) => t.name === '#kind')!.files.map((f) => path.basename(f.path))).toEqual(['#kind.parquet']);
    });

    it('changes the files with the part limit, not the logical hashes', async () => {
      const whole = await exportScratch(source, [schema], repo('whole'));
      expect((await sampleFiles(repo('whole'), schema)).map((f) => path.basename(f.path))).toEqual(['sample.parquet']);
      expect(whole.tree).not.toBe(parted.tree);
      expect(whole.pipelineHash).toBe(parted.pipelineHash);
      expect(await tableHashes(repo('whole'))).toEqual(await tableHashes(repo('parted')));
    });

    it('imports the parts into a fresh target that exports to the identical tree', async () => {
      let into: Scratch;
      if (backend.name === 'mariadb') {
        // One server: the source schema makes way so the same name can be imported.
        const db = await source.connect();
        await db.execute(`DROP DATABASE ${db.quoteIdent(schema)}`);
        await db.close();
        into = source;
      } else {
        target = await backend.createScratch();
        into = target;
      }
      const result = await importSnapshot({ snapshot: repo('parted'), db: into.url, password: into.password });
      expect(result.tables.every((t) => t.status === 'ok')).toBe(true);
      expect(result.rows).toBe(parted.rows);
      expect(result.target.pipelineHash).toBe(parted.pipelineHash);
      const again = await exportScratch(into, [schema], repo('again'), undefined, SMALL_PARTS);
      expect(again.tree).toBe(parted.tree);
    });
  });
});
