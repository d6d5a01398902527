/** Errors of the Parquet layer; each names the column or file and what to do. */
import { DjSnapshotError, EXIT, InputError } from '../errors/base.js';

/** A column shape the Parquet mapping cannot represent (e.g. decimal without precision). */
export class ParquetSchemaError extends InputError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('parquet-schema', message, data);
  }
}

/** A value does not match its column's kind (wrong JS type, out of range, bad decimal text). */
export class ParquetValueError extends InputError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('parquet-value', message, data);
  }
}

/** A Parquet file is not one this module wrote, or is damaged. */
export class ParquetFileError extends InputError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('parquet-file', message, data);
  }
}

/** parquet-wasm did not behave as pinned (lost rows, unexpected footer layout): a bug or an upgrade. */
export class ParquetWriterInternalError extends DjSnapshotError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('parquet-writer-internal', message, data, EXIT.internal);
  }
}
