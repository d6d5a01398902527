/**
 * Rows → PostgreSQL COPY text format (tab-separated, `\N` for NULL, backslash escapes, bytea as
 * `\\x<hex>`). Measured against the binary format (bench/import.ts): on 1 KB blobs the text
 * form costs the server a hex decode but is simpler and just as fast end to end here, because
 * the JS side (reading Parquet, formatting) is the bottleneck, not the server.
 */
import type { CValue } from '../../values/kinds.js';
import { escapedTextWriter, type ChunkWriter } from './chunk.js';
import type { ToLiteral } from './literal.js';

export type RowWriter = (w: ChunkWriter, row: readonly CValue[]) => void;

const writeText = escapedTextWriter({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' });

export interface PgField {
  /** Index of the value in the source row. */
  source: number;
  literal: ToLiteral;
}

const TAB = 0x09;
const NEWLINE = 0x0a;

export function pgTextRowWriter(fields: readonly PgField[]): RowWriter {
  const n = fields.length;
  return (w, row) => {
    for (let i = 0; i < n; i++) {
      if (i > 0) w.byte(TAB);
      const f = fields[i];
      const v = row[f.source];
      if (v === null || v === undefined) {
        w.ascii('\\N');
        continue;
      }
      const lit = f.literal(v);
      if (typeof lit === 'string') {
        writeText(w, lit);
      } else {
        // bytea hex input `\x…`, its backslash doubled for the COPY text format.
        w.ascii('\\\\x');
        w.ascii(Buffer.from(lit.buffer, lit.byteOffset, lit.byteLength).toString('hex'));
      }
    }
    w.byte(NEWLINE);
  };
}
