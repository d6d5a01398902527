/**
 * The pinned settings (settings.ts) as parquet-wasm WriterProperties. Only the encoding thread
 * loads this module (and with it parquet-wasm).
 */
import * as pw from 'parquet-wasm';
import type { ColumnShape } from '../values/kinds.js';
import {
  DATA_PAGE_SIZE_LIMIT, DICTIONARY_PAGE_SIZE_LIMIT, PARQUET_CREATED_BY, ROW_GROUP_MAX_ROWS, WRITE_BATCH_SIZE,
  dictionaryDisabled, statisticsFor,
} from './settings.js';

export function writerProperties(columns: readonly ColumnShape[], noDictionary: ReadonlySet<string>): pw.WriterProperties {
  // Builder methods consume the builder (Rust by-value self): always chain on the result.
  let b = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V1)
    .setCreatedBy(PARQUET_CREATED_BY)
    .setCompression(pw.Compression.ZSTD)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setDictionaryEnabled(true)
    .setDataPageSizeLimit(DATA_PAGE_SIZE_LIMIT)
    .setDictionaryPageSizeLimit(DICTIONARY_PAGE_SIZE_LIMIT)
    .setWriteBatchSize(WRITE_BATCH_SIZE)
    .setMaxRowGroupSize(ROW_GROUP_MAX_ROWS)
    // One byte: parquet-rs then closes the row group after every batch it is given (it never
    // splits a batch that starts an empty row group), so row groups are exactly our batches and
    // their boundaries follow our documented rule rather than parquet-rs's size estimates.
    .setMaxRowGroupBytes(1);
  for (const c of columns) {
    if (dictionaryDisabled(c) || noDictionary.has(c.name)) b = b.setColumnDictionaryEnabled(c.name, false);
    if (statisticsFor(c) === 'none') b = b.setColumnStatisticsEnabled(c.name, pw.EnabledStatistics.None);
  }
  return b.build();
}
