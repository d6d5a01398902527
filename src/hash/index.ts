/** The logical content hash (formats/hash.md). */
export { canonicalJson } from './canonical-json.js';
export { hashPipeline, hashSchema, PIPELINE_HASH_TAG, SCHEMA_HASH_TAG, type NamedHash, type ObjectEntry } from './combine.js';
export { HashInputError, HashValueError } from './errors.js';
export { HASH_CLASS, RowDigester } from './row-digest.js';
export { DEFAULT_SPILL_ROWS, TABLE_HASH_TAG, TableHasher, tableHeader, type TableHasherOptions } from './table-hasher.js';

import type { ColumnShape, CValue } from '../values/kinds.js';
import { TableHasher, type TableHasherOptions } from './table-hasher.js';

/** Hash a table from a stream of row chunks (e.g. `readParquet(path)`). */
export async function hashTable(columns: readonly ColumnShape[], rows: AsyncIterable<readonly (readonly CValue[])[]>, options?: TableHasherOptions): Promise<{ hash: string; rows: number }> {
  const hasher = new TableHasher(columns, options);
  try {
    for await (const chunk of rows) hasher.addRows(chunk);
    const rowCount = hasher.rowCount;
    return { hash: await hasher.digest(), rows: rowCount };
  } finally {
    await hasher.dispose();
  }
}
