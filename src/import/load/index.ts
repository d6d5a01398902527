/** One entry point for loading a table's rows, whatever the backend. */
import type { Database } from '../../db/types.js';
import { loadMysqlTable } from './mysql.js';
import { loadPgliteTable } from './pglite.js';
import { loadPostgresTable } from './postgres.js';
import type { RowBatches, RowsListener, TableLoad } from './rows.js';

export type { LoadColumn, RowBatches, RowsListener, TableLoad } from './rows.js';

/** Load all rows in one transaction (emptying the table first when `load.clear`); returns the row count. */
export function loadTable(db: Database, load: TableLoad, batches: RowBatches, onRows?: RowsListener): Promise<number> {
  switch (db.dialect) {
    case 'mysql': return loadMysqlTable(db, load, batches, onRows);
    case 'postgres': return loadPostgresTable(db, load, batches, onRows);
    case 'pglite': return loadPgliteTable(db, load, batches, onRows);
  }
}
