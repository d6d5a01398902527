/**
 * The value model shared by every layer between a database and a snapshot.
 *
 * A column's `ValueKind` says how its values are carried in memory (the canonical value,
 * `CValue`), written to Parquet and hashed. Each backend normalises its driver's output into
 * canonical values; the Parquet writer and the logical hash only ever see canonical values,
 * which is what makes files and hashes independent of the backend they came from.
 *
 * | kind                          | canonical JS value                                    |
 * |-------------------------------|-------------------------------------------------------|
 * | int8 int16 int32 uint8 uint16 uint32 | number (exact integer)                         |
 * | int64 uint64                  | bigint                                                |
 * | float32 float64               | number (float32: the exact float32 value, Math.fround) |
 * | decimal                       | string, exact decimal text with exactly `scale` digits after the point ("-1.50", "0.000") |
 * | bool                          | boolean                                               |
 * | string                        | string (char(n): trailing spaces removed, MySQL semantics) |
 * | bytes                         | Uint8Array, exactly as stored                         |
 * | uuid                          | Uint8Array of 16 bytes (RFC 4122 byte order)          |
 * | json                          | string, the JSON text as the server returns it        |
 * | date                          | number: days since 1970-01-01                         |
 * | datetime                      | bigint: microseconds since 1970-01-01T00:00:00 (naive, UTC by convention) |
 * | time                          | bigint: signed microseconds (MySQL TIME may exceed 24 h or be negative) |
 * | text                          | string: a native value we carry as its text form (e.g. PG interval); same backend only |
 *
 * `null` is SQL NULL for every kind.
 */
export type ValueKind =
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'float32' | 'float64'
  | 'decimal'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'uuid'
  | 'json'
  | 'date'
  | 'datetime'
  | 'time'
  | 'text';

export const VALUE_KINDS: readonly ValueKind[] = [
  'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
  'float32', 'float64', 'decimal', 'bool', 'string', 'bytes', 'uuid', 'json',
  'date', 'datetime', 'time', 'text',
];

export type CValue = number | bigint | string | boolean | Uint8Array | null;

/** What a writer or hasher needs to know about one column besides its values. */
export interface ColumnShape {
  name: string;
  kind: ValueKind;
  nullable: boolean;
  /** decimal only */
  precision?: number;
  scale?: number;
  /** datetime/time only: fractional-second digits declared (0..6) */
  fsp?: number;
  /** The DataJoint type as declared (`int32`, `<blob>`, `<blob@store>`), or null for a native type. */
  djType: string | null;
  /** The column's SQL type on the source backend, e.g. `int unsigned`, `varchar(64)`. */
  sqlType: string;
}
