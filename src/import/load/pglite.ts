/**
 * PGlite bulk load. PGlite runs in-process and has no COPY FROM STDIN (a COPY cannot span its
 * calls); it reads `COPY … FROM '/dev/blob'` from a Blob handed over with the statement. Rows go
 * in bounded chunks, one COPY per chunk, all inside one transaction per table.
 */
import type { Database } from '../../db/types.js';
import { BINARY_HEADER, BINARY_TRAILER } from '../encode/pg-binary.js';
import { pgliteInstance } from './driver.js';
import { LoadRejectedError } from './errors.js';
import { withKeysBuiltAfterLoad } from './pg-keys.js';
import { copyPlan } from './postgres.js';
import { formatChunks, type RowBatches, type RowsListener, type TableLoad } from './rows.js';

/** Each chunk is copied into wasm memory once more; 8 MiB keeps that small and the calls few. */
const CHUNK_BYTES = 8 << 20;

export async function loadPgliteTable(db: Database, load: TableLoad, batches: RowBatches, onRows?: RowsListener): Promise<number> {
  const pg = pgliteInstance(db);
  const plan = copyPlan(db, load);
  const blobSql = plan.sql.replace(/ FROM STDIN( WITH \(FORMAT binary\))?$/, ` FROM '/dev/blob'$1`);
  const counter = { rows: 0 };
  let stored = 0;
  await db.begin();
  try {
    if (load.clear) await db.execute(`DELETE FROM ${db.quoteIdent(load.schema)}.${db.quoteIdent(load.table)}`);
    await withKeysBuiltAfterLoad(db, load, async () => {
      for await (const chunk of formatChunks(batches, plan.writeRow, CHUNK_BYTES, counter, onRows)) {
        // Every COPY reads a whole file: in binary format each chunk gets the header and trailer.
        const blob = plan.binary ? new Blob([BINARY_HEADER, chunk, BINARY_TRAILER]) : new Blob([chunk]);
        const result = await pg.query(blobSql, [], { blob });
        stored += result.affectedRows ?? 0;
      }
      if (stored !== counter.rows) throw new LoadRejectedError(`${load.schema}.${load.table}`, counter.rows, stored, []);
    });
    await db.commit();
  } catch (e) {
    await db.rollback().catch(() => undefined);
    throw e;
  }
  return counter.rows;
}
