/**
 * ColumnShape[] <-> Arrow schema, one mapping per ValueKind (spec: formats/parquet.md).
 *
 * The Arrow schema is embedded in every file (`ARROW:schema`), so it must be built the same
 * way every time: field metadata keys are inserted in a fixed order and hold nothing that
 * depends on time, host or tool version.
 */
import * as arrow from 'apache-arrow';
import type { ColumnShape, ValueKind } from '../values/kinds.js';
import { VALUE_KINDS } from '../values/kinds.js';
import { ParquetFileError } from './errors.js';
import { checkColumns, checkShape, isWideDecimal } from './shapes.js';

export { MAX_DECIMAL128_PRECISION, MAX_DECIMAL_PRECISION, isWideDecimal } from './shapes.js';

/** Field metadata keys (all values are strings). */
export const META = {
  kind: 'dj.kind',
  djType: 'dj.type',
  sqlType: 'dj.sql_type',
  precision: 'dj.precision',
  scale: 'dj.scale',
  fsp: 'dj.fsp',
  extensionName: 'ARROW:extension:name',
  extensionMetadata: 'ARROW:extension:metadata',
} as const;

/**
 * Arrow canonical extension name for uuid columns, so Arrow-aware readers (pyarrow) give UUID
 * objects. json columns carry no `arrow.json` extension: the Parquet JSON logical type already
 * tells DuckDB, and polars 1.x warns about (and 2.x would keep) an unregistered `arrow.json`,
 * where a plain string is what users want.
 */
export const EXTENSION_UUID = 'arrow.uuid';

function arrowType(c: ColumnShape): arrow.DataType {
  switch (c.kind) {
    case 'int8': return new arrow.Int8();
    case 'int16': return new arrow.Int16();
    case 'int32': return new arrow.Int32();
    case 'int64': return new arrow.Int64();
    case 'uint8': return new arrow.Uint8();
    case 'uint16': return new arrow.Uint16();
    case 'uint32': return new arrow.Uint32();
    case 'uint64': return new arrow.Uint64();
    case 'float32': return new arrow.Float32();
    case 'float64': return new arrow.Float64();
    case 'decimal':
      return isWideDecimal(c) ? new arrow.Utf8() : new arrow.Decimal(c.scale as number, c.precision as number, 128);
    case 'bool': return new arrow.Bool();
    case 'string':
    case 'json':
    case 'text':
      return new arrow.Utf8();
    // Binary (int32 offsets), not LargeBinary: batches are byte-capped far below 2 GiB and a
    // Parquet BYTE_ARRAY value is itself limited to 2^31-1 bytes; large_binary would only make
    // every reader produce the less common large_binary arrays.
    case 'bytes': return new arrow.Binary();
    case 'uuid': return new arrow.FixedSizeBinary(16);
    case 'date': return new arrow.DateDay();
    case 'datetime': return new arrow.TimestampMicrosecond(null);
    // Duration(us), not Time64: MySQL TIME may be negative or exceed 24 h, which Time64 and
    // Parquet TIME forbid. Parquet gets a plain INT64 of microseconds.
    case 'time': return new arrow.DurationMicrosecond();
  }
}

function fieldMetadata(c: ColumnShape): Map<string, string> {
  const m = new Map<string, string>();
  if (c.kind === 'uuid') {
    m.set(META.extensionName, EXTENSION_UUID);
    m.set(META.extensionMetadata, '');
  }
  m.set(META.kind, c.kind);
  m.set(META.djType, c.djType ?? '');
  m.set(META.sqlType, c.sqlType ?? '');
  if (c.kind === 'decimal') {
    m.set(META.precision, String(c.precision));
    m.set(META.scale, String(c.scale));
  }
  if (c.fsp !== undefined) m.set(META.fsp, String(c.fsp));
  return m;
}

/** The Arrow schema for these columns; throws ParquetSchemaError for a shape it cannot map. */
export function arrowSchemaFor(columns: readonly ColumnShape[]): arrow.Schema {
  checkColumns(columns);
  return new arrow.Schema(columns.map((c) => new arrow.Field(c.name, arrowType(c), c.nullable, fieldMetadata(c))));
}

function intMeta(m: Map<string, string>, key: string, column: string): number | undefined {
  const v = m.get(key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ParquetFileError(`Column "${column}" has metadata ${key}="${v}", not an integer.`, { column, key });
  return Number(v);
}

/** The ColumnShapes recorded in an Arrow schema written by `arrowSchemaFor`. */
export function columnShapesFromArrowSchema(schema: arrow.Schema): ColumnShape[] {
  return schema.fields.map((f) => {
    const m = f.metadata;
    const kind = m.get(META.kind) as ValueKind | undefined;
    if (kind === undefined || !VALUE_KINDS.includes(kind)) {
      throw new ParquetFileError(`Column "${f.name}" carries no ${META.kind} metadata; the file was not written by dj-snapshot.`, { column: f.name });
    }
    const djType = m.get(META.djType) ?? '';
    const shape: ColumnShape = {
      name: f.name,
      kind,
      nullable: f.nullable,
      djType: djType === '' ? null : djType,
      sqlType: m.get(META.sqlType) ?? '',
    };
    const precision = intMeta(m, META.precision, f.name);
    const scale = intMeta(m, META.scale, f.name);
    const fsp = intMeta(m, META.fsp, f.name);
    if (precision !== undefined) shape.precision = precision;
    if (scale !== undefined) shape.scale = scale;
    if (fsp !== undefined) shape.fsp = fsp;
    checkShape(shape, 0);
    const expected = arrowType(shape);
    if (!arrow.util.compareTypes(f.type, expected)) {
      throw new ParquetFileError(`Column "${f.name}" has Arrow type ${String(f.type)} but kind ${kind} needs ${String(expected)}.`, { column: f.name });
    }
    return shape;
  });
}
