/**
 * Inputs DataJoint never writes (formats/blob.md §4.1): they decode, and re-encode to what
 * DataJoint would write for the decoded value, which decodes to the same value.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type BlobValue, blobValuesEqual, decodeBlob, encodeBlob, int, ndarray, set, str, struct, record,
} from '../../src/blob/index.js';
import { DJ0, MYM, cat, f64, hex, i32, i64, sub, toHex, u32, u64 } from './bytes.js';

function reencodes(input: Uint8Array, expected: Uint8Array, value?: BlobValue): void {
  const v = decodeBlob(input);
  if (value) expect(blobValuesEqual(v, value)).toBe(true);
  const out = encodeBlob(v);
  expect(toHex(out)).toBe(toHex(expected));
  expect(blobValuesEqual(decodeBlob(out), v)).toBe(true);
}

const arr = cat('A', u64(1), u64(1), u32(6), u32(0), f64(2));

describe('non-canonical input', () => {
  it('dj0 header on an mYm-only value', () => reencodes(cat(DJ0, arr), cat(MYM, arr)));
  it('int with a non-minimal width', () => reencodes(cat(DJ0, hex('0A 0300 050000')), hex('646A3000 0A 0100 05'), int(5)));
  it('int of width 0 is 0', () => reencodes(cat(DJ0, hex('0A 0000')), hex('646A3000 0A 0100 00'), int(0)));
  it('bool byte 2', () => reencodes(cat(DJ0, hex('0B02')), cat(DJ0, hex('0B01'))));
  it('complex flag 2', () => {
    const b = (flag: number) => cat(MYM, 'A', u64(1), u64(1), u32(6), u32(flag), f64(1), f64(2));
    reencodes(b(2), b(1));
  });
  it('date with another negative time marker', () => {
    reencodes(cat(DJ0, 't', i32(20240115), i64(-7)), cat(DJ0, 't', i32(20240115), i64(-1)));
  });
  it('date and time both absent is None', () => reencodes(cat(DJ0, 't', i32(-1), i64(-1)), hex('646A3000FF')));
  it('zero-field struct and record without the NUL', () => {
    reencodes(cat(MYM, 'S', u64(1), u64(1), u32(0)), cat(MYM, 'S', u64(1), u64(1), u32(0), [0]), struct([1], [], [[]]));
    reencodes(cat(DJ0, 'F', u32(0)), cat(DJ0, 'F', u32(0), [0]), record([]));
  });
  it('a zero-field struct inside a list keeps its sub length consistent', () => {
    const withNul = cat(MYM, 'S', u64(1), u64(0), u32(0), [0]).subarray(4);
    const b = cat(DJ0, [0x02], u64(1), sub(withNul));
    reencodes(b, b);
  });
  it('Decimal text is kept verbatim', () => {
    const b = cat(DJ0, 'd', u64(5), ' 1.5 ');
    reencodes(b, b);
  });
  it('compressed with another zlib (Node) re-encodes with DataJoint\'s zlib bytes', () => {
    const plain = cat(MYM, 'A', u64(1), u64(200), u32(6), u32(0), ...Array.from({ length: 200 }, (_, i) => f64(i % 5)));
    const foreign = cat('ZL123\0', u64(plain.length), deflateSync(plain, { level: 9 }));
    const ours = encodeBlob(decodeBlob(foreign));
    expect(toHex(ours.subarray(0, 16))).toBe(toHex(cat('ZL123\0', u64(plain.length), [0x78, 0x9c])));
    expect(blobValuesEqual(decodeBlob(ours), decodeBlob(foreign))).toBe(true);
  });
  it('bytes after the zlib stream are ignored, as Python does', () => {
    const v = ndarray('float64', [300], new Float64Array(300));
    const good = encodeBlob(v);
    const extended = cat(good, 'trailing junk');
    reencodes(extended, good, v);
  });
  it('compressed although longer than plain re-encodes plain', () => {
    const plain = cat(DJ0, hex('0A010005'));
    reencodes(cat('ZL123\0', u64(plain.length), deflateSync(plain)), plain, int(5));
  });
  it('plain although compression would be shorter re-encodes compressed', () => {
    const plain = cat(MYM, 'A', u64(1), u64(200), u32(6), u32(0), new Uint8Array(1600));
    const out = encodeBlob(decodeBlob(plain));
    expect(out[0]).toBe(0x5a);
    expect(out.length).toBeLessThan(plain.length);
  });
});

describe('sets', () => {
  it('keep their stored order through decode and encode', () => {
    const b = cat(DJ0, [0x03], u64(3), sub(cat([0x05], u64(1), 'b')), sub(cat([0x05], u64(1), 'a')), sub(cat([0x05], u64(1), 'c')));
    reencodes(b, b);
  });
  it('differently ordered set blobs decode to equal values under set semantics', () => {
    const items = ['b', 'a', 'c'].map((s) => sub(cat([0x05], u64(1), s)));
    const one = decodeBlob(cat(DJ0, [0x03], u64(3), items[0], items[1], items[2]));
    const other = decodeBlob(cat(DJ0, [0x03], u64(3), items[2], items[0], items[1]));
    expect(blobValuesEqual(one, other)).toBe(true);
    expect(blobValuesEqual(one, other, { unorderedSets: false })).toBe(false);
    expect(blobValuesEqual(one, set([str('a'), str('b'), str('c')]))).toBe(true);
    expect(blobValuesEqual(one, set([str('a'), str('b'), str('d')]))).toBe(false);
  });
});
