/**
 * The row digest of formats/hash.md (§3 values, §6 row digest) as one PostgreSQL expression,
 * so that a PostgreSQL target digests its own rows: the server frames each stored value and
 * takes the SHA-256 in C, and 32 bytes per row cross the wire instead of the row, to be decoded,
 * framed and hashed here. The expression gives RowDigester's bytes exactly for the column types
 * listed below; for any other column it is null and the rows are digested here as before:
 * - json: canonical JSON (§5) needs a JSON parser and number formatting SQL does not have;
 * - integers or booleans stored in another type (e.g. uint64 as numeric), decimals without a
 *   declared precision and scale, and every type not named here.
 *
 * It assumes what `postgresCanDigest` checks: PostgreSQL 14 or later (EXTRACT returns exact
 * numeric, so microseconds are exact) and a UTF8 database (octet_length is the UTF-8 length).
 */
import type { ValueKind } from '../values/kinds.js';
import { HASH_CLASS, TAG } from './row-digest.js';

export interface DigestColumn {
  name: string;
  kind: ValueKind;
  /** lower-case SQL base type, as in catalog/model.ts */
  dataType: string;
  precision?: number;
  scale?: number;
}

const INTEGER_TYPES = new Set(['smallint', 'integer', 'bigint']);
const FLOAT_TYPES = new Set(['real', 'double precision']);
const STRING_TYPES = new Set(['character varying', 'character', 'text', 'user-defined']);
const DATETIME_TYPES = new Set(['timestamp without time zone', 'timestamp with time zone']);

/** A bytea literal of `bytes`. */
function bytea(...bytes: number[]): string {
  return `'\\x${Buffer.from(bytes).toString('hex')}'::bytea`;
}

/** `str(text)` of §1 after the tag: u64 byte length, then the UTF-8 bytes. */
function lengthPrefixedText(tag: number, text: string): string {
  return `${bytea(tag)} || int8send(octet_length(${text})::int8) || convert_to(${text}, 'UTF8')`;
}

/** The framed encoding of one non-NULL value (NULL in, NULL out), or null if SQL cannot frame it exactly. */
function valueSql(c: DigestColumn, v: string): string | null {
  const tag = TAG[HASH_CLASS[c.kind] as keyof typeof TAG];
  const type = c.dataType.toLowerCase();
  switch (c.kind) {
    case 'int8': case 'int16': case 'int32': case 'int64':
    case 'uint8': case 'uint16': case 'uint32': case 'uint64':
      // 9-byte two's complement: a sign byte, then the 64 bits.
      return INTEGER_TYPES.has(type) ? `CASE WHEN ${v} < 0 THEN ${bytea(tag, 0xff)} ELSE ${bytea(tag, 0)} END || int8send(${v}::int8)` : null;
    case 'float32': case 'float64':
      // real widens to double exactly; every NaN is written as the one quiet NaN.
      return FLOAT_TYPES.has(type)
        ? `${bytea(tag)} || CASE WHEN ${v} = 'NaN' THEN ${bytea(0x7f, 0xf8, 0, 0, 0, 0, 0, 0)} ELSE float8send(${v}::float8) END`
        : null;
    case 'decimal':
      // numeric(p, s) prints exactly s fraction digits, never an exponent or a negative zero.
      return type === 'numeric' && Number.isInteger(c.precision) && Number.isInteger(c.scale) ? lengthPrefixedText(tag, `${v}::text`) : null;
    case 'bool':
      return type === 'boolean' ? `CASE WHEN ${v} THEN ${bytea(tag, 1)} WHEN NOT ${v} THEN ${bytea(tag, 0)} END` : null;
    case 'string':
      // char(n) as text loses its trailing spaces, as the canonical value does.
      return STRING_TYPES.has(type) ? lengthPrefixedText(tag, `${v}::text`) : null;
    case 'text':
      // The exporter carries these as the server's text (export/select.ts).
      return lengthPrefixedText(tag, `${v}::text`);
    case 'bytes':
      return type === 'bytea' ? `${bytea(tag)} || int8send(octet_length(${v})::int8) || ${v}` : null;
    case 'uuid':
      return type === 'uuid' ? `${bytea(tag)} || uuid_send(${v})` : null;
    case 'date':
      return type === 'date' ? `${bytea(tag)} || int4send(${v} - DATE '1970-01-01')` : null;
    case 'datetime':
      return DATETIME_TYPES.has(type) ? `${bytea(tag)} || int8send((EXTRACT(EPOCH FROM ${v}) * 1000000)::int8)` : null;
    case 'time':
      return type === 'time without time zone' ? `${bytea(tag)} || int8send((EXTRACT(EPOCH FROM ${v}) * 1000000)::int8)` : null;
    case 'json':
      return null;
  }
}

/** `sha256(framed row)` over `columns` in table order, or null when one column cannot be framed in SQL. */
export function postgresRowDigestSql(columns: readonly DigestColumn[], quoteIdent: (name: string) => string): string | null {
  if (!columns.length) return null;
  const values: string[] = [];
  for (const c of columns) {
    const sql = valueSql(c, quoteIdent(c.name));
    if (sql === null) return null;
    values.push(`COALESCE(${sql}, ${bytea(TAG.null)})`);
  }
  return `sha256(${values.join('\n  || ')})`;
}
