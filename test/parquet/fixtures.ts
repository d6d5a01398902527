/** Columns of every kind and rows with their extremes, shared by the Parquet tests. */
import type { ColumnShape, CValue, ValueKind } from '../../src/values/kinds.js';

function col(name: string, kind: ValueKind, extra: Partial<ColumnShape> = {}): ColumnShape {
  return { name, kind, nullable: true, djType: null, sqlType: kind, ...extra };
}

export const ALL_COLUMNS: ColumnShape[] = [
  col('id', 'int64', { nullable: false, djType: 'int64', sqlType: 'bigint' }),
  col('i8', 'int8', { djType: 'int8', sqlType: 'tinyint' }),
  col('i16', 'int16', { sqlType: 'smallint' }),
  col('i32', 'int32', { sqlType: 'int' }),
  col('i64', 'int64', { sqlType: 'bigint' }),
  col('u8', 'uint8', { djType: 'uint8', sqlType: 'tinyint unsigned' }),
  col('u16', 'uint16', { sqlType: 'smallint unsigned' }),
  col('u32', 'uint32', { sqlType: 'int unsigned' }),
  col('u64', 'uint64', { sqlType: 'bigint unsigned' }),
  col('f32', 'float32', { djType: 'float32', sqlType: 'float' }),
  col('f64', 'float64', { sqlType: 'double' }),
  col('dec', 'decimal', { precision: 38, scale: 10, sqlType: 'decimal(38,10)' }),
  col('dec_small', 'decimal', { precision: 5, scale: 2, sqlType: 'decimal(5,2)' }),
  col('dec_wide', 'decimal', { precision: 65, scale: 30, sqlType: 'decimal(65,30)' }),
  col('flag', 'bool', { djType: 'bool', sqlType: 'tinyint(1)' }),
  col('name', 'string', { djType: 'varchar(64)', sqlType: 'varchar(64)' }),
  col('blob', 'bytes', { djType: '<blob>', sqlType: 'longblob' }),
  col('uid', 'uuid', { djType: 'uuid', sqlType: 'binary(16)' }),
  col('doc', 'json', { djType: 'json', sqlType: 'json' }),
  col('day', 'date', { djType: 'date', sqlType: 'date' }),
  col('ts', 'datetime', { djType: 'datetime(6)', sqlType: 'datetime(6)', fsp: 6 }),
  col('dur', 'time', { sqlType: 'time(6)', fsp: 6 }),
  col('iv', 'text', { sqlType: 'interval' }),
];

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

/** One row per interesting case; row k has id k. */
export function extremeRows(): CValue[][] {
  const rows: CValue[][] = [
    [0n, -128, -32768, -2147483648, -(2n ** 63n), 0, 0, 0, 0n, Math.fround(3.4028234663852886e38), -0, '-9999999999999999999999999999.9999999999', '-999.99',
      '-99999999999999999999999999999999999.999999999999999999999999999999', false, '', new Uint8Array(0), new Uint8Array(16),
      '{}', -719162, -62135596800000000n, -3020399000000n, ''],
    [1n, 127, 32767, 2147483647, 2n ** 63n - 1n, 255, 65535, 4294967295, 2n ** 64n - 1n, Math.fround(1.1), Number.MAX_VALUE, '9999999999999999999999999999.9999999999', '999.99',
      '99999999999999999999999999999999999.999999999999999999999999999999', true, 'a\u0000b ünïcødé 🎉', allBytes,
      Uint8Array.from([0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00]),
      '{"b":1,"a":[1.0,2],"big":12345678901234567890}', 2932896, 253402300799999999n, 3020399000000n, '1 day 02:03:04'],
    [2n, 0, 0, 0, 0n, 0, 0, 0, 0n, NaN, NaN, '0.0000000000', '0.00', '0.000000000000000000000000000000', false, ' trailing ', Uint8Array.from([0]),
      Uint8Array.from({ length: 16 }, () => 255), '[]', 0, 0n, 0n, '-00:00:01'],
    [3n, -1, -1, -1, -1n, 1, 1, 1, 1n, -Infinity, Infinity, '0.0000000001', '-0.01', '0.000000000000000000000000000001', true, 'x'.repeat(3000),
      Uint8Array.from({ length: 1500 }, (_, i) => (i * 7) & 255), Uint8Array.from({ length: 16 }, (_, i) => i), '"just a string"', -1, -1n, 86400000000n, 'P1Y'],
    [4n, 5, 6, 7, 8n, 9, 10, 11, 12n, Math.fround(-1e-45), 5e-324, '123.4500000000', '1.50', '-1.000000000000000000000000000000', false, 'second',
      Uint8Array.from([0xff, 0x00, 0xfe]), Uint8Array.from({ length: 16 }, (_, i) => 255 - i), 'null', 18628, 1609459200123456n, 45296789012n, 'x'],
    // NULL in every nullable column
    [5n, ...Array.from({ length: ALL_COLUMNS.length - 1 }, () => null)],
  ];
  return rows;
}

/** What the reader must give back for `extremeRows()` (decimals at their scale's digits). */
export function expectedRows(): CValue[][] {
  const rows = extremeRows();
  rows[4][11] = '123.4500000000';
  return rows;
}
