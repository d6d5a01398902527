/**
 * Element types of DataJoint `A` arrays: the wire `type_id` table (DataJoint `blob.py`,
 * `deserialize_lookup`), element sizes, typed-array classes and NumPy descriptors.
 */

export type IntDtype = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';
export type FloatDtype = 'float32' | 'float64';
/** Element types that can carry the real and imaginary parts of a complex array. */
export type RealDtype = IntDtype | FloatDtype;
export type DatetimeUnit = 'Y' | 'M' | 'W' | 'D' | 'h' | 'm' | 's' | 'ms' | 'us' | 'ns' | 'ps' | 'fs' | 'as';
export type DatetimeDtype = `datetime64[${DatetimeUnit}]`;
export type ComplexDtype = 'complex64' | 'complex128';
/**
 * dtypes of arrays whose elements are fixed-size numbers. `char` is MATLAB's CHAR class:
 * UTF-16 code units on the wire, which DataJoint turns into Python strings on read.
 */
export type NumericDtype = 'bool' | 'char' | RealDtype | ComplexDtype | DatetimeDtype;
export type Dtype = NumericDtype | 'object';

export const DATETIME_UNITS: readonly DatetimeUnit[] = [
  'Y', 'M', 'W', 'D', 'h', 'm', 's', 'ms', 'us', 'ns', 'ps', 'fs', 'as',
];

/** The first `type_id` of the datetime64 range (65536 + index in DATETIME_UNITS). */
export const DATETIME_TYPE_ID_BASE = 65536;

/** Wire type ids that are defined but that DataJoint cannot decode into an array. */
export const UNSUPPORTED_TYPE_IDS: ReadonlyMap<number, string> = new Map([
  [0, 'UNKNOWN'],
  [1, 'CELL'],
  [2, 'STRUCT'],
  [16, 'FUNCTION'],
]);

export const OBJECT_TYPE_ID = 5;

const PLAIN_TYPE_IDS: ReadonlyArray<readonly [number, 'bool' | 'char' | RealDtype]> = [
  [3, 'bool'], [4, 'char'], [6, 'float64'], [7, 'float32'],
  [8, 'int8'], [9, 'uint8'], [10, 'int16'], [11, 'uint16'],
  [12, 'int32'], [13, 'uint32'], [14, 'int64'], [15, 'uint64'],
];

export type StoredDtype = 'bool' | 'char' | RealDtype | DatetimeDtype;

/** `type_id` → stored element type (complex arrays use the id of their part type). */
export function dtypeOfTypeId(typeId: number): StoredDtype | 'object' | undefined {
  if (typeId === OBJECT_TYPE_ID) return 'object';
  for (const [id, dt] of PLAIN_TYPE_IDS) if (id === typeId) return dt;
  const unit = DATETIME_UNITS[typeId - DATETIME_TYPE_ID_BASE];
  return unit === undefined ? undefined : `datetime64[${unit}]`;
}

export function typeIdOf(dtype: StoredDtype | 'object'): number {
  if (dtype === 'object') return OBJECT_TYPE_ID;
  if (isDatetimeDtype(dtype)) return DATETIME_TYPE_ID_BASE + DATETIME_UNITS.indexOf(datetimeUnit(dtype));
  for (const [id, dt] of PLAIN_TYPE_IDS) if (dt === dtype) return id;
  throw new Error(`no type id for ${dtype}`); // unreachable for well-typed input
}

export function isDatetimeDtype(dtype: string): dtype is DatetimeDtype {
  return dtype.startsWith('datetime64[');
}

export function isComplexDtype(dtype: string): dtype is ComplexDtype {
  return dtype === 'complex64' || dtype === 'complex128';
}

export function isRealDtype(dtype: string): dtype is RealDtype {
  return (REAL_DTYPES as readonly string[]).includes(dtype);
}

export const REAL_DTYPES: readonly RealDtype[] = [
  'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64',
];

export function datetimeUnit(dtype: DatetimeDtype): DatetimeUnit {
  return dtype.slice('datetime64['.length, -1) as DatetimeUnit;
}

export function isNumericDtype(dtype: string): dtype is NumericDtype {
  return dtype === 'bool' || dtype === 'char' || isRealDtype(dtype) || isComplexDtype(dtype) ||
    (isDatetimeDtype(dtype) && (DATETIME_UNITS as readonly string[]).includes(dtype.slice(11, -1)));
}

/** Bytes per stored element (one part for complex arrays). */
export function storedItemSize(dtype: StoredDtype): 1 | 2 | 4 | 8 {
  switch (dtype) {
    case 'bool': case 'int8': case 'uint8': return 1;
    case 'char': case 'int16': case 'uint16': return 2;
    case 'int32': case 'uint32': case 'float32': return 4;
    default: return 8;
  }
}

export type TypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

type TypedArrayClass = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/** The typed-array class that holds elements of a stored dtype (bool: 0/1 bytes, char: code units). */
export function typedArrayClassOf(dtype: StoredDtype): TypedArrayClass {
  if (isDatetimeDtype(dtype)) return BigInt64Array;
  switch (dtype) {
    case 'bool': case 'uint8': return Uint8Array;
    case 'int8': return Int8Array;
    case 'char': case 'uint16': return Uint16Array;
    case 'int16': return Int16Array;
    case 'int32': return Int32Array;
    case 'uint32': return Uint32Array;
    case 'int64': return BigInt64Array;
    case 'uint64': return BigUint64Array;
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
  }
}

/**
 * NumPy's `dtype.str` for an array dtype as DataJoint's decoder returns it (little-endian host).
 * `char` has no fixed descriptor (DataJoint turns it into `<U…` strings); see canonicalArrayHash.
 */
export function numpyDescr(dtype: Exclude<NumericDtype, 'char'> | 'object'): string {
  if (isDatetimeDtype(dtype)) return `<M8[${datetimeUnit(dtype)}]`;
  switch (dtype) {
    case 'object': return '|O';
    case 'bool': return '|b1';
    case 'int8': return '|i1';
    case 'uint8': return '|u1';
    case 'int16': return '<i2';
    case 'uint16': return '<u2';
    case 'int32': return '<i4';
    case 'uint32': return '<u4';
    case 'int64': return '<i8';
    case 'uint64': return '<u8';
    case 'float32': return '<f4';
    case 'float64': return '<f8';
    case 'complex64': return '<c8';
    case 'complex128': return '<c16';
  }
}
