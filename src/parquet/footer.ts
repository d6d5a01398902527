/**
 * The Parquet footer (FileMetaData, Thrift compact) and the one rewrite we make to it.
 *
 * parquet-wasm 0.8.0 is built without parquet-rs's `arrow_canonical_extension_types` feature,
 * so it writes a uuid column as a bare FIXED_LEN_BYTE_ARRAY(16) and a json column as a plain
 * UTF8 string. We add the UUID and JSON logical types to the footer after the fact. This is
 * safe: the footer holds only offsets into the data before it, so rewriting it moves nothing,
 * and both logical types keep the unsigned byte-wise sort order the statistics were computed
 * with. The rewrite is deterministic (same input footer -> same output footer).
 */
import type { ColumnShape } from '../values/kinds.js';
import { ParquetFileError, ParquetWriterInternalError } from './errors.js';
import { decodeStruct, encodeStruct, field, setField, type TStruct, type TValue } from './thrift-compact.js';

export const PARQUET_MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"

/** FileMetaData field ids (parquet.thrift). */
const FMD = { version: 1, schema: 2, numRows: 3, rowGroups: 4, keyValue: 5, createdBy: 6 } as const;
/** SchemaElement field ids. */
const SE = { type: 1, typeLength: 2, repetition: 3, name: 4, numChildren: 5, convertedType: 6, logicalType: 10 } as const;
/** LogicalType union member ids. */
const LT = { string: 1, json: 12, uuid: 14 } as const;
const PHYSICAL = { byteArray: 6, fixedLenByteArray: 7 } as const;
const CONVERTED_UTF8 = 0;
const CONVERTED_JSON = 19;

/** Length of the footer that ends `tail` (which must end with the file's last 8 bytes). */
export function footerLength(tail: Uint8Array): number {
  const n = tail.length;
  if (n < 8 || !PARQUET_MAGIC.every((b, i) => tail[n - 4 + i] === b)) {
    throw new ParquetFileError('Not a Parquet file: the last four bytes are not "PAR1".');
  }
  return new DataView(tail.buffer, tail.byteOffset + n - 8, 4).getUint32(0, true);
}

function emptyStruct(): TStruct {
  return { t: 'struct', fields: [] };
}

function unionOf(id: number): TValue {
  return { t: 'struct', fields: [{ id, value: emptyStruct() }] };
}

function schemaElements(fmd: TStruct): TStruct[] {
  const schema = field(fmd, FMD.schema);
  if (schema?.t !== 'list') throw new ParquetFileError('Parquet footer has no schema list.');
  return schema.items.map((s) => {
    if (s.t !== 'struct') throw new ParquetFileError('Parquet footer schema holds a non-struct element.');
    return s;
  });
}

function elementName(se: TStruct): string {
  const n = field(se, SE.name);
  return n?.t === 'binary' ? new TextDecoder().decode(n.v) : '';
}

function intField(s: TStruct, id: number): number | undefined {
  const v = field(s, id);
  return v?.t === 'i32' ? v.v : undefined;
}

/**
 * Add the UUID / JSON logical types for the uuid and json columns. `columns` are the flat
 * schema's columns in order; the footer's leaf elements must match them by name.
 */
export function patchLogicalTypes(footer: Uint8Array, columns: readonly ColumnShape[]): Uint8Array {
  const fmd = decodeStruct(footer);
  const elements = schemaElements(fmd);
  const leaves = elements.slice(1);
  if (leaves.length !== columns.length) {
    throw new ParquetWriterInternalError(`Footer has ${leaves.length} leaf columns, expected ${columns.length}.`);
  }
  columns.forEach((c, i) => {
    const se = leaves[i];
    if (elementName(se) !== c.name) {
      throw new ParquetWriterInternalError(`Footer column ${i} is "${elementName(se)}", expected "${c.name}".`);
    }
    if (c.kind === 'uuid') {
      if (intField(se, SE.type) !== PHYSICAL.fixedLenByteArray || intField(se, SE.typeLength) !== 16) {
        throw new ParquetWriterInternalError(`uuid column "${c.name}" is not FIXED_LEN_BYTE_ARRAY(16) in the footer.`);
      }
      setField(se, SE.logicalType, unionOf(LT.uuid));
    } else if (c.kind === 'json') {
      const converted = intField(se, SE.convertedType);
      const logical = field(se, SE.logicalType);
      const member = logical?.t === 'struct' && logical.fields.length === 1 ? logical.fields[0].id : -1;
      const annotated = (converted === CONVERTED_UTF8 && member === LT.string) || (converted === CONVERTED_JSON && member === LT.json);
      if (intField(se, SE.type) !== PHYSICAL.byteArray || !annotated) {
        throw new ParquetWriterInternalError(`json column "${c.name}" is not an annotated UTF8 BYTE_ARRAY in the footer.`);
      }
      setField(se, SE.convertedType, { t: 'i32', v: CONVERTED_JSON });
      setField(se, SE.logicalType, unionOf(LT.json));
    }
  });
  return encodeStruct(fmd);
}

/** num_rows from a footer. */
export function footerNumRows(footer: Uint8Array): bigint {
  const v = field(decodeStruct(footer), FMD.numRows);
  if (v?.t !== 'i64') throw new ParquetFileError('Parquet footer has no num_rows.');
  return v.v;
}

/** Footer bytes + 4-byte little-endian length + "PAR1": the tail that ends every file. */
export function footerTail(footer: Uint8Array): Uint8Array {
  const out = new Uint8Array(footer.length + 8);
  out.set(footer, 0);
  new DataView(out.buffer).setUint32(footer.length, footer.length, true);
  out.set(PARQUET_MAGIC, footer.length + 4);
  return out;
}
