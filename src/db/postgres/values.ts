/**
 * How PostgreSQL's text-format values become RawValues (see db/types.ts). Registered per
 * client (pg) or per instance (PGlite), never on pg's global type table, so nothing else in
 * the process is affected.
 */
import type { RawValue } from '../types.js';

/** Type OIDs that get a non-text JS value; every other type stays the server's text. */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
} as const;

export type TextParser = (text: string) => RawValue;

const asText: TextParser = (text) => text;
const asBoolean: TextParser = (text) => text === 't';
const asInteger: TextParser = (text) => Number(text);
/** PostgreSQL >= 12 prints the shortest text that round-trips, so parseFloat is exact. */
const asFloat: TextParser = (text) => parseFloat(text);

/** bytea in the `hex` output format (what the session asks for); `escape` kept as a fallback. */
export const asBytes = (text: string): Buffer => {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  return decodeByteaEscape(text);
};

function decodeByteaEscape(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      out.push(c);
    } else if (text[i + 1] === '\\') {
      out.push(0x5c);
      i += 1;
    } else {
      out.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(out);
}

const PARSERS: ReadonlyMap<number, TextParser> = new Map<number, TextParser>([
  [OID.bool, asBoolean],
  [OID.bytea, asBytes],
  [OID.int2, asInteger],
  [OID.int4, asInteger],
  [OID.oid, asInteger],
  [OID.float4, asFloat],
  [OID.float8, asFloat],
  // int8, numeric, dates and times, interval, json/jsonb, uuid, arrays, enums, …: text as sent.
]);

export function parserFor(oid: number): TextParser {
  return PARSERS.get(oid) ?? asText;
}

/** The `types` object pg's Client and pg-query-stream accept (results always come as text). */
export const PG_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => RawValue {
    if (format === 'binary') {
      throw new Error(`binary-format result for type ${oid}: this layer asks only for text results`);
    }
    return parserFor(oid);
  },
};
