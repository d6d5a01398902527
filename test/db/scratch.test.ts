/**
 * The test harness itself: a scratch space is isolated and leaves nothing behind, even
 * schemas that reference each other through foreign keys.
 */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { forEachBackend } from '../support/backends.js';

forEachBackend((backend) => {
  it('createScratch() gives an isolated space and cleanup() removes all of it', async () => {
    const scratch = await backend.createScratch();
    const other = await backend.createScratch();
    expect(other.prefix).not.toBe(scratch.prefix);
    const db = await scratch.connect();
    const a = db.quoteIdent(`${scratch.prefix}a`);
    const b = db.quoteIdent(`${scratch.prefix}b`);
    const create = backend.family === 'mysql' ? 'CREATE DATABASE' : 'CREATE SCHEMA';
    // Keys in both directions, so no order of dropping the two schemas avoids a referenced table.
    await db.execute(`${create} ${a}; ${create} ${b};
      CREATE TABLE ${a}.parent (id int PRIMARY KEY);
      CREATE TABLE ${b}.parent (id int PRIMARY KEY);
      CREATE TABLE ${b}.child (id int PRIMARY KEY, parent int NOT NULL, FOREIGN KEY (parent) REFERENCES ${a}.parent (id));
      CREATE TABLE ${a}.child (id int PRIMARY KEY, parent int NOT NULL, FOREIGN KEY (parent) REFERENCES ${b}.parent (id));
      INSERT INTO ${a}.parent VALUES (1); INSERT INTO ${b}.parent VALUES (1);
      INSERT INTO ${b}.child VALUES (1, 1); INSERT INTO ${a}.child VALUES (1, 1)`);
    // cleanup() also closes connections the test left open.
    await scratch.cleanup();
    await other.cleanup();

    if (backend.name === 'pglite') {
      expect(existsSync(scratch.url.slice('pglite:'.length))).toBe(false);
      return;
    }
    const admin = await connect(backend.server!.url, { password: backend.server!.password });
    try {
      const left = backend.family === 'mysql'
        ? await admin.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE ?', [`${scratch.prefix}%`])
        : await admin.query('SELECT datname FROM pg_database WHERE datname = $1', [new URL(scratch.url).pathname.slice(1)]);
      expect(left).toEqual([]);
    } finally {
      await admin.close();
    }
  });
});
