/** DataJoint blob codec: decode, encode, value model, NumPy `.npy` and JSON views (formats/blob.md). */
export * from './model.js';
export * from './dtypes.js';
export { elementCount, reorderBytes, reorderItems } from './order.js';
export { BlobFormatError, BlobEncodeError, type BlobFormatReason } from './errors.js';
export {
  decodeBlob, decodeBlobDetailed, isCompressed, looksLikeBlob,
  DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_MAX_DEPTH,
  type DecodeOptions, type DecodedBlob, type BlobProtocol,
} from './decode.js';
export { encodeBlob, COMPRESSION_THRESHOLD, type EncodeOptions } from './encode.js';
export { arrayToNpy, npyHeader, npyDescr, canonicalArrayHash, type CanonicalArrayHash } from './npy.js';
export { toJsonView, type JsonNode, type JsonValue, type JsonPath, type JsonViewOptions } from './json.js';
