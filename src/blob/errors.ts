import { DjSnapshotError, EXIT } from '../errors/base.js';

/** Why a blob could not be decoded; stable, part of the error `code` (`blob-<reason>`). */
export type BlobFormatReason =
  | 'truncated'            // the bytes end inside an item or a header
  | 'unknown-protocol'     // neither `mYm\0` nor `dj0\0` (DataJoint returns None silently; we refuse)
  | 'unknown-code'         // item code byte not in the table
  | 'unknown-type-id'      // `A` type id not in the table
  | 'unsupported'          // a code or type DataJoint cannot read either (sparse `P`, FUNCTION, CELL/STRUCT ids in `A`)
  | 'bad-length'           // a declared length or count larger than the bytes left
  | 'length-mismatch'      // an item did not consume exactly its declared length / trailing bytes
  | 'too-large'            // a declared size beyond the configured limit (decompression bomb guard)
  | 'decompressed-size-mismatch' // inflate output differs from the declared uncompressed length
  | 'bad-compression'      // the zlib stream is corrupt or truncated
  | 'invalid-utf8'         // a str, name or field name that is not UTF-8
  | 'invalid-value'        // a date/time/decimal body DataJoint would refuse
  | 'too-deep';            // nesting beyond the configured depth (stack guard)

/** A blob that is malformed, truncated, unsupported or over a safety limit. */
export class BlobFormatError extends DjSnapshotError {
  readonly reason: BlobFormatReason;
  /** Offset in the bytes being parsed (the inflated plain bytes when the blob is compressed). */
  readonly offset: number;

  constructor(reason: BlobFormatReason, offset: number, detail: string, data: Record<string, unknown> = {}) {
    super(
      `blob-${reason}`,
      `DataJoint blob cannot be decoded at byte ${offset}: ${detail}. ` +
        'The stored bytes are kept as they are; only the decoded view is unavailable.',
      { reason, offset, ...data },
      EXIT.failed,
    );
    this.reason = reason;
    this.offset = offset;
  }
}

/** A model value that cannot be written as a DataJoint blob (the model was built wrongly). */
export class BlobEncodeError extends DjSnapshotError {
  constructor(detail: string, data: Record<string, unknown> = {}) {
    super('blob-encode', `Cannot encode value as a DataJoint blob: ${detail}.`, data, EXIT.failed);
  }
}
