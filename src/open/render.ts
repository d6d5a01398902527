/**
 * One attribute value of one row → the open files that show it (formats/open.md §4).
 */
import { type BlobValue, type NumericArray, arrayToNpy } from '../blob/index.js';
import { openJsonDocument, serializeOpenJson } from './json-doc.js';
import { attachmentFileOf, externalNpyName, jsonFileOf, npyFileOf } from './layout.js';
import type { OpenValue } from './stored-value.js';

export interface OpenFile {
  /** Path in the snapshot tree, `/`-separated. */
  path: string;
  bytes: Uint8Array;
}

export interface RenderedValue {
  /** The file the index points to (null: no file, see `error`). */
  main: string | null;
  files: OpenFile[];
  error: string | null;
}

/** True for arrays written as one `.npy` file: fixed-size elements NumPy has a dtype for. */
export function isNpyArray(v: BlobValue): v is NumericArray {
  return v.type === 'array' && v.dtype !== 'object' && v.dtype !== 'char';
}

export function renderOpenValue(value: OpenValue, rowDir: string, attribute: string): RenderedValue {
  switch (value.kind) {
    case 'none':
      return { main: null, files: [], error: null };
    case 'error':
      return { main: null, files: [], error: value.message };
    case 'attachment': {
      const path = attachmentFileOf(rowDir, attribute, value.name);
      return { main: path, files: [{ path, bytes: value.contents }], error: null };
    }
    case 'blob': {
      const v = value.value;
      if (isNpyArray(v)) {
        const path = npyFileOf(rowDir, attribute);
        return { main: path, files: [{ path, bytes: arrayToNpy(v) }], error: null };
      }
      const { doc, external } = openJsonDocument(v, (n) => externalNpyName(attribute, n));
      const path = jsonFileOf(rowDir, attribute);
      const files: OpenFile[] = [{ path, bytes: Buffer.from(serializeOpenJson(doc), 'utf8') }];
      for (const e of external) files.push({ path: `${rowDir}/${e.name}`, bytes: arrayToNpy(e.array) });
      return { main: path, files, error: null };
    }
  }
}
