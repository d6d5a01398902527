/**
 * Rows → the input of `LOAD DATA … CHARACTER SET binary FIELDS TERMINATED BY '\t' ESCAPED BY '\\'
 * LINES TERMINATED BY '\n'`: raw bytes with the four bytes that would break the framing
 * escaped (`\0`, `\t`, `\n`, `\\`) and `\N` for NULL. Blobs go over the wire as they are, not
 * hex-encoded, so a 1 KB blob costs ~1 KB (hex would double it and add an UNHEX per value).
 */
import type { CValue } from '../../values/kinds.js';
import { escapedTextWriter, type ChunkWriter } from './chunk.js';
import type { ToLiteral } from './literal.js';
import type { RowWriter } from './pg-text.js';

const BACKSLASH = 0x5c;
const TAB = 0x09;
const NEWLINE = 0x0a;

/** 0 for bytes that pass as they are, else the letter after the backslash. */
const ESCAPE_LETTER = new Uint8Array(256);
ESCAPE_LETTER[0x00] = 0x30; // \0
ESCAPE_LETTER[TAB] = 0x74; // \t
ESCAPE_LETTER[NEWLINE] = 0x6e; // \n
ESCAPE_LETTER[BACKSLASH] = BACKSLASH; // \\

function writeEscapedBytes(w: ChunkWriter, b: Uint8Array): void {
  // Worst case every byte doubles.
  w.ensure(b.length * 2);
  const out = w.buf;
  let p = w.pos;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    const e = ESCAPE_LETTER[c];
    if (e === 0) {
      out[p++] = c;
    } else {
      out[p++] = BACKSLASH;
      out[p++] = e;
    }
  }
  w.pos = p;
}

const writeEscapedText = escapedTextWriter({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\0': '\\0' });

export interface InfileField {
  /** Index of the value in the source row. */
  source: number;
  literal: ToLiteral;
  /** Send bytes as hex text (BIT columns, which LOAD DATA cannot fill from raw bytes). */
  hex?: boolean;
}

export function mysqlInfileRowWriter(fields: readonly InfileField[]): RowWriter {
  const n = fields.length;
  return (w, row: readonly CValue[]) => {
    for (let i = 0; i < n; i++) {
      if (i > 0) w.byte(TAB);
      const f = fields[i];
      const v = row[f.source];
      if (v === null || v === undefined) {
        w.ascii('\\N');
        continue;
      }
      const lit = f.literal(v);
      if (typeof lit === 'string') writeEscapedText(w, lit);
      else if (f.hex) w.ascii(Buffer.from(lit.buffer, lit.byteOffset, lit.byteLength).toString('hex'));
      else writeEscapedBytes(w, lit);
    }
    w.byte(NEWLINE);
  };
}
