/**
 * PGlite gets exactly the value forms of the pg backend (postgres/values.ts). PGlite's own
 * defaults (JS Dates, parsed JSON, BigInt-or-number int8, Uint8Array bytea, JS arrays) are
 * all replaced, including the array parsers it registers for every type at start-up.
 */
import type { PGlite } from '@electric-sql/pglite';
import { OID, parserFor } from '../postgres/values.js';

/** Parsers for the fixed OIDs PGlite has built-in defaults for (see its `types` module). */
const PGLITE_DEFAULT_OIDS = [
  OID.bool, OID.bytea, OID.int8, OID.int2, OID.int4, OID.oid, OID.float4, OID.float8,
  25, 1042, 1043, // text, bpchar, varchar
  114, 3802, // json, jsonb
  1082, 1114, 1184, // date, timestamp, timestamptz
];

export function initialParsers(): Record<number, (text: string) => unknown> {
  return Object.fromEntries(PGLITE_DEFAULT_OIDS.map((oid) => [oid, parserFor(oid)]));
}

/** After start-up, replace every parser the instance holds (its per-type array parsers too). */
export function installParsers(db: PGlite): void {
  for (const key of Object.keys(db.parsers)) {
    db.parsers[key] = parserFor(Number(key));
  }
}
