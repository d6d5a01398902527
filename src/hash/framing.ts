/** Byte framing shared by the hash headers (formats/hash.md "Framing"). */

/** Unsigned 64-bit big-endian. */
export function u64(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

const encoder = new TextEncoder();

/** u64 byte length + UTF-8 bytes. */
export function str(s: string): Uint8Array {
  const b = encoder.encode(s);
  const out = new Uint8Array(8 + b.length);
  out.set(u64(b.length), 0);
  out.set(b, 8);
  return out;
}

/** Bytewise comparison of the UTF-8 encodings (not JS's UTF-16 order). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const HEX64 = /^[0-9a-f]{64}$/;

/** 32 bytes from a lower-case hex SHA-256, or null if it is not one. */
export function hexDigest(h: string): Uint8Array | null {
  return typeof h === 'string' && HEX64.test(h) ? Uint8Array.from(Buffer.from(h, 'hex')) : null;
}
