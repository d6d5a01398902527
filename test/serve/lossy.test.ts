/**
 * dj-serve of a MariaDB-made snapshot holding a MySQL-only column type: refused with the column
 * named before anything is served, and served with `lossy` (that table named as lossy, every
 * table verified).
 */
import path from 'node:path';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/types.js';
import { exportPipeline } from '../../src/export/export.js';
import { LossyImportError } from '../../src/import/errors.js';
import { serveSnapshot } from '../../src/serve/serve.js';
import { forEachBackend, scratchDir, useScratch } from '../support/backends.js';

forEachBackend((backend) => {
  const scratch = useScratch(backend);
  let repo: string;
  let schema: string;

  beforeAll(async () => {
    schema = `${scratch().prefix}yearly`;
    const db: Database = await scratch().connect();
    try {
      await db.execute(`CREATE SCHEMA \`${schema}\``);
      await db.execute(`CREATE TABLE \`${schema}\`.\`plain\` (id int PRIMARY KEY, label varchar(10))`);
      await db.execute(`CREATE TABLE \`${schema}\`.\`harvest\` (id int PRIMARY KEY, season year NOT NULL)`);
      await db.execute(`INSERT INTO \`${schema}\`.\`plain\` VALUES (1, 'a'), (2, 'b')`);
      await db.execute(`INSERT INTO \`${schema}\`.\`harvest\` VALUES (1, 2021), (2, 2155)`);
      repo = path.join(await scratchDir('serve-lossy-'), 'snap');
      await exportPipeline({ db, schemas: [schema], repo });
    } finally {
      await db.close();
    }
  });

  it('refuses a column PostgreSQL cannot hold exactly, naming it, unless lossy', async () => {
    const refused = await serveSnapshot({ snapshot: repo, port: 0, cacheDir: null }).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(LossyImportError);
    expect((refused as Error).message).toContain(`${schema}.harvest.season`);
    expect((refused as Error).message).toContain('--lossy');

    const served = await serveSnapshot({ snapshot: repo, port: 0, cacheDir: null, lossy: true });
    try {
      expect(served.import.lossyTables).toEqual([`${schema}.harvest`]);
      // The type is lost (year → smallint), the values are not: every hash still matches.
      const status = Object.fromEntries(served.import.tables.map((t) => [t.table, t.status]));
      expect(status).toEqual({ plain: 'ok', harvest: 'ok' });
      const c = new pg.Client({ host: served.host, port: served.port, user: 'postgres', password: 'unused', database: 'postgres' });
      await c.connect();
      try {
        const rows = await c.query(`SELECT id, season FROM "${schema}".harvest ORDER BY id`);
        expect(rows.rows).toEqual([{ id: 1, season: 2021 }, { id: 2, season: 2155 }]);
      } finally {
        await c.end();
      }
    } finally {
      await served.close();
    }
  });
}, ['mariadb']);
