/**
 * The demo pipeline as a snapshot repository, made the way `npm run demo` makes it: seeded
 * into a scratch PGlite database with its file store, exported with dj-export.
 */
import path from 'node:path';
import { seedDemo, type DemoResult } from '../../src/demo/pipeline.js';
import { exportPipeline, type ExportResult } from '../../src/export/export.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { scratchDir, testBackends } from '../support/backends.js';

export interface DemoSnapshot {
  /** The snapshot repository. */
  repo: string;
  /** The seeded store root (`<storeRoot>/local` is the store `local`). */
  storeRoot: string;
  seeded: DemoResult;
  exported: ExportResult;
  /** The scratch directory holding all of it (removed by the run's clean-up). */
  dir: string;
}

export async function makeDemoSnapshot(): Promise<DemoSnapshot> {
  const dir = await scratchDir('serve-demo-');
  const pglite = testBackends().find((b) => b.name === 'pglite')!;
  const scratch = await pglite.createScratch();
  try {
    const db = await scratch.connect();
    const storeRoot = path.join(dir, 'store');
    const seeded = await seedDemo(db, { storeRoot });
    const repo = path.join(dir, 'snapshot');
    const exported = await exportPipeline({ db, repo, stores: parseStoreConfig(seeded.stores, dir) });
    return { repo, storeRoot, seeded, exported, dir };
  } finally {
    await scratch.cleanup();
  }
}
