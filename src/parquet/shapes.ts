/**
 * The checks a column shape must pass to be written (spec: formats/parquet.md), without
 * loading Apache Arrow: the thread that batches rows validates here, and only the encoding
 * thread builds the Arrow schema (schema.ts).
 */
import type { ColumnShape } from '../values/kinds.js';
import { VALUE_KINDS } from '../values/kinds.js';
import { ParquetSchemaError } from './errors.js';

/** Widest decimal written as Arrow Decimal128; wider ones are text (DuckDB misreads > 38). */
export const MAX_DECIMAL128_PRECISION = 38;
/** MySQL's DECIMAL limit; PostgreSQL's numeric(p,s) allows up to 1000. */
export const MAX_DECIMAL_PRECISION = 1000;

export function isWideDecimal(c: ColumnShape): boolean {
  return c.kind === 'decimal' && (c.precision ?? 0) > MAX_DECIMAL128_PRECISION;
}

export function checkShape(c: ColumnShape, index: number): void {
  const where = { column: c.name, index };
  if (typeof c.name !== 'string' || c.name.length === 0) {
    throw new ParquetSchemaError(`Column ${index} has no name; every column needs a non-empty name.`, where);
  }
  if (!VALUE_KINDS.includes(c.kind)) {
    throw new ParquetSchemaError(`Column "${c.name}" has unknown kind "${String(c.kind)}"; use one of ${VALUE_KINDS.join(', ')}.`, where);
  }
  if (c.kind === 'decimal') {
    const p = c.precision;
    const s = c.scale;
    if (p === undefined || s === undefined || !Number.isInteger(p) || !Number.isInteger(s)) {
      throw new ParquetSchemaError(`Decimal column "${c.name}" needs integer precision and scale; map an unconstrained numeric to kind "text".`, { ...where, precision: p, scale: s });
    }
    if (p < 1 || p > MAX_DECIMAL_PRECISION || s < 0 || s > p) {
      throw new ParquetSchemaError(`Decimal column "${c.name}" has precision ${p} and scale ${s}; need 1 <= precision <= ${MAX_DECIMAL_PRECISION} and 0 <= scale <= precision.`, { ...where, precision: p, scale: s });
    }
  }
  if (c.fsp !== undefined && (!Number.isInteger(c.fsp) || c.fsp < 0 || c.fsp > 6)) {
    throw new ParquetSchemaError(`Column "${c.name}" has fsp ${c.fsp}; fractional-second digits must be 0..6.`, { ...where, fsp: c.fsp });
  }
}

/** Throws ParquetSchemaError unless `columns` can be written: at least one, each mappable, names unique. */
export function checkColumns(columns: readonly ColumnShape[]): void {
  if (columns.length === 0) throw new ParquetSchemaError('A table needs at least one column to be written as Parquet.');
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    checkShape(c, i);
    if (seen.has(c.name)) throw new ParquetSchemaError(`Column name "${c.name}" appears twice; column names must be unique.`, { column: c.name });
    seen.add(c.name);
  });
}
