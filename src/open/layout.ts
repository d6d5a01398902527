/**
 * Where the open view lives in a snapshot tree (formats/open.md §3): schema and table folders
 * escaped as everywhere in the snapshot (formats/README.md §2), key and file names as in escape.ts.
 */
import { escapeName } from '../snapshot/layout.js';
import { escapeAttribute, escapeFileName, keySegment } from './escape.js';

export const OPEN_DIR = 'open';

/** `open/<schema>/<table>`: the folder of a table's open files. */
export function openTableDir(schema: string, table: string): string {
  return `${OPEN_DIR}/${escapeName(schema)}/${escapeName(table)}`;
}

/** `open/<schema>/<table>.parquet`: the table's index (§6). */
export function openIndexPath(schema: string, table: string): string {
  return `${openTableDir(schema, table)}.parquet`;
}

/** One primary-key value: its attribute, its canonical text (key-text.ts) and whether it is free text. */
export interface KeyPart {
  attribute: string;
  text: string;
  textual: boolean;
}

/** `open/<schema>/<table>/<k1>=<v1>/…`: the folder of one row's open files. */
export function openRowDir(schema: string, table: string, key: readonly KeyPart[]): string {
  return [openTableDir(schema, table), ...key.map((k) => keySegment(k.attribute, k.text, k.textual))].join('/');
}

/** A decoded numeric array: `<row>/<attribute>.npy`. */
export function npyFileOf(rowDir: string, attribute: string): string {
  return `${rowDir}/${escapeAttribute(attribute)}.npy`;
}

/** Any other decoded value: `<row>/<attribute>.json`. */
export function jsonFileOf(rowDir: string, attribute: string): string {
  return `${rowDir}/${escapeAttribute(attribute)}.json`;
}

/** The n-th large array inside a JSON document: `<attribute>.<n>.npy`, beside the document. */
export function externalNpyName(attribute: string, n: number): string {
  return `${escapeAttribute(attribute)}.${n}.npy`;
}

/** An attachment: `<row>/<attribute>/<original file name>`. */
export function attachmentFileOf(rowDir: string, attribute: string, fileName: Uint8Array): string {
  return `${rowDir}/${escapeAttribute(attribute)}/${escapeFileName(fileName)}`;
}
