const EMPTY = Buffer.alloc(0);
const FIRST_BYTES = 64 * 1024;

/**
 * A growable byte buffer that rows are formatted into, handed out in chunks of about a target
 * size. Bulk-load formats are built as bytes (not strings) so blobs never pass through a JS
 * string, and a chunk is one network write (MySQL: one packet, which must stay below
 * max_allowed_packet).
 */
export class ChunkWriter {
  buf: Buffer = EMPTY;
  pos = 0;
  /** Size of the next fresh buffer: small at first, then what the last chunk grew to. */
  private start = FIRST_BYTES;

  /**
   * `usual`: the size chunks are expected to reach. Memory grows to it as rows come, so a
   * pipeline of many small tables does not allocate (and make V8 collect) a full-size buffer
   * per table: 88 tables at 16 MiB each once cost 0.8 s of GC in an import into PGlite.
   */
  constructor(private readonly usual = 1 << 20) {}

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, this.start);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Text known to be ASCII (numbers, dates, hex, keywords). */
  ascii(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  utf8(s: string): void {
    // At most 3 bytes per UTF-16 code unit.
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  get size(): number {
    return this.pos;
  }

  /**
   * The bytes written so far. The writer moves on to fresh memory instead of copying them out:
   * a chunk is handed to a socket or a Blob and must not change afterwards.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    // The next chunk starts at this one's size, but no larger than usual: one huge row must not
    // make every later chunk huge. Allocated on the first write, so the last take costs nothing.
    this.start = Math.min(Math.max(this.buf.length, FIRST_BYTES), this.usual);
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }
}

/**
 * A writer of text with the given characters replaced (a bulk format's escapes, e.g. tab and
 * newline); text without any of them, the usual case, is written as it is.
 */
export function escapedTextWriter(escapes: Record<string, string>): (w: ChunkWriter, s: string) => void {
  const chars = `[${Object.keys(escapes).map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`;
  const test = new RegExp(chars);
  const all = new RegExp(chars, 'g');
  return (w, s) => w.utf8(test.test(s) ? s.replace(all, (c) => escapes[c]) : s);
}
