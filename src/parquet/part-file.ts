/**
 * One Parquet part file as parquet-wasm streams it out: chunks are written as they come,
 * except the last, which holds the footer that we patch (footer.ts) before it is written and
 * hashed.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { ColumnShape } from '../values/kinds.js';
import { ParquetWriterInternalError } from './errors.js';
import { footerLength, footerNumRows, footerTail, patchLogicalTypes } from './footer.js';

export class PartFile {
  private pending: Uint8Array | null = null;
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;
  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string): Promise<PartFile> {
    return new PartFile(await open(path, 'w'));
  }

  private async emit(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) {
      const { bytesWritten } = await this.fh.write(b, off, b.length - off);
      off += bytesWritten;
    }
    this.hash.update(b);
    this.bytes += b.length;
  }

  /**
   * `mayBeLast`: the input has ended, so this chunk may hold the footer. Chunks before that
   * cannot (parquet-rs writes the footer on close, after the last batch), so they go straight
   * to the file instead of being held, which keeps one row group less in memory.
   */
  async chunk(b: Uint8Array, mayBeLast: boolean): Promise<void> {
    if (this.pending) {
      await this.emit(this.pending);
      this.pending = null;
    }
    if (mayBeLast) this.pending = b;
    else await this.emit(b);
  }

  /** Writes the footer (patched) and returns the file's SHA-256 (hex). */
  async finish(columns: readonly ColumnShape[], expectRows: number): Promise<string> {
    const last = this.pending;
    if (!last) throw new ParquetWriterInternalError('parquet-wasm produced no output.');
    const flen = footerLength(last);
    if (flen + 8 > last.length) {
      throw new ParquetWriterInternalError('parquet-wasm emitted the footer across output chunks; the pinned version does not, so this is an upgrade to review.', { footer: flen, chunk: last.length });
    }
    const bodyEnd = last.length - flen - 8;
    const footer = last.subarray(bodyEnd, last.length - 8);
    const needsPatch = columns.some((c) => c.kind === 'uuid' || c.kind === 'json');
    const finalFooter = needsPatch ? patchLogicalTypes(footer, columns) : footer;
    const rows = footerNumRows(finalFooter);
    if (rows !== BigInt(expectRows)) {
      // transformParquetStream drops write errors silently; a row count check catches them.
      throw new ParquetWriterInternalError(`parquet-wasm wrote ${rows} rows, expected ${expectRows}.`, { written: Number(rows), expected: expectRows });
    }
    await this.emit(last.subarray(0, bodyEnd));
    await this.emit(footerTail(finalFooter));
    this.pending = null;
    return this.hash.digest('hex');
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
