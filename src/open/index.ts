/** The open view of a snapshot (formats/open.md): decoded blobs and attachments as `.npy`, JSON and files. */
export { writeOpenView, openIndexShapes, ERRORS_COLUMN, type OpenViewOptions, type OpenViewResult } from './view.js';
export { openAttributes, openHowOf, type OpenAttribute, type OpenHow } from './attributes.js';
export { openValueOf, splitAttachment, type ObjectReader, type OpenValue } from './stored-value.js';
export { renderOpenValue, isNpyArray, type OpenFile, type RenderedValue } from './render.js';
export { openJsonDocument, serializeOpenJson, nestByShape, INLINE_ARRAY_MAX_ELEMENTS } from './json-doc.js';
export { keyText, parseKeyText, sameKeyValue, isTextKind } from './key-text.js';
export { escapeAttribute, escapeFileName, keySegment, parseKeySegment, unescapeSegment, KEY_VALUE_MAX, KEY_VALUE_KEEP } from './escape.js';
export {
  OPEN_DIR, type KeyPart, openTableDir, openIndexPath, openRowDir, npyFileOf, jsonFileOf, externalNpyName, attachmentFileOf,
} from './layout.js';
