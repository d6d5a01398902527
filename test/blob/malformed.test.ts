/** Bad input: every failure is a BlobFormatError with a reason and offset, never a crash, hang or huge allocation. */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BlobEncodeError, BlobFormatError, type BlobFormatReason, type BlobValue, decodeBlob, encodeBlob, int, list,
  ndarray, str, struct, cell, dict, date, time, float,
} from '../../src/blob/index.js';
import { DJ0, MYM, cat, f64, hex, i32, i64, sub, u32, u64 } from './bytes.js';

function failure(bytes: Uint8Array, options?: Parameters<typeof decodeBlob>[1]): BlobFormatError {
  try {
    decodeBlob(bytes, options);
  } catch (e) {
    if (e instanceof BlobFormatError) return e;
    throw new Error(`expected BlobFormatError, got ${String(e)}`);
  }
  throw new Error('expected the blob to be rejected');
}

function expectReason(bytes: Uint8Array, reason: BlobFormatReason, offset?: number, options?: Parameters<typeof decodeBlob>[1]): void {
  const e = failure(bytes, options);
  expect(e.reason, e.message).toBe(reason);
  expect(e.code).toBe(`blob-${reason}`);
  expect(e.data.offset).toBe(e.offset);
  if (offset !== undefined) expect(e.offset).toBe(offset);
}

const aHead = (shape: number[], typeId: number, cplx = 0): Uint8Array =>
  cat('A', u64(shape.length), ...shape.map((d) => u64(d)), u32(typeId), u32(cplx));

/** Valid blobs whose every proper prefix must be rejected. */
const samples: Record<string, Uint8Array> = {
  array: cat(MYM, aHead([2, 2], 6), f64(1), f64(2), f64(3), f64(4)),
  complex: cat(MYM, aHead([1], 6, 1), f64(1), f64(2)),
  struct: cat(MYM, 'S', u64(2), u64(1), u64(1), u32(2), 'a\0bb\0', sub(cat(aHead([1], 9), [7])), sub(hex('0A010005'))),
  cell: cat(MYM, 'C', u64(1), u64(2), sub(cat(aHead([0], 6))), sub(cat('C', u64(1), u64(0)))),
  dict: cat(DJ0, [0x04], u64(1), sub(cat([0x05], u64(3), 'key')), sub(cat([0x02], u64(2), sub(hex('FF')), sub(hex('0B01'))))),
  record: cat(DJ0, 'F', u32(1), 'x\0', aHead([1], 12), i32(3)),
  scalars: cat(DJ0, [0x01], u64(5), sub(cat('t', i32(20240115), i64(-1))), sub(cat('d', u64(3), '1.5')),
    sub(hex('75 00112233445566778899aabbccddeeff')), sub(cat([0x0c], f64(1), f64(2))), sub(hex('0A0300FFFF7F'))),
  compressed: encodeBlob(ndarray('float64', [500], new Float64Array(500).fill(1.25))),
};

describe('truncated blobs', () => {
  for (const [name, bytes] of Object.entries(samples)) {
    it(`${name}: decodes whole, rejects every prefix`, () => {
      expect(() => decodeBlob(bytes)).not.toThrow();
      for (let k = 0; k < bytes.length; k++) {
        const e = failure(bytes.subarray(0, k));
        expect(['truncated', 'bad-length', 'length-mismatch', 'bad-compression', 'unknown-protocol',
          'decompressed-size-mismatch']).toContain(e.reason);
      }
    });
  }

  it('names the place: truncated array data', () => {
    const b = samples.array.subarray(0, samples.array.length - 3);
    expectReason(b, 'truncated');
  });
});

describe('unknown and unsupported codes', () => {
  it('unknown item code', () => expectReason(cat(DJ0, [0x07]), 'unknown-code', 4));
  it('unknown item code inside a list', () => expectReason(cat(DJ0, [0x02], u64(1), sub(hex('99'))), 'unknown-code', 21));
  it('MATLAB sparse "P"', () => expectReason(cat(MYM, 'P', u64(0)), 'unsupported', 4));
  it('unknown array type id', () => expectReason(cat(MYM, aHead([1], 17), [0]), 'unknown-type-id', 4));
  it('unknown datetime64 type id', () => expectReason(cat(MYM, aHead([1], 65549), u64(0)), 'unknown-type-id'));
  it('FUNCTION/UNKNOWN type ids', () => {
    expectReason(cat(MYM, aHead([1], 16), u64(0)), 'unsupported');
    expectReason(cat(MYM, aHead([1], 0), u64(0)), 'unsupported');
  });
  it('complex bool or datetime arrays', () => {
    expectReason(cat(MYM, aHead([1], 3, 1), [1, 1]), 'unsupported');
    expectReason(cat(DJ0, aHead([1], 65539, 1), u64(1), u64(1)), 'unsupported');
  });
  it('unknown protocol', () => {
    expectReason(cat('abc\0', [0xff]), 'unknown-protocol', 0);
    expectReason(cat('mYm\x01', [0xff]), 'unknown-protocol', 0);
    expectReason(new Uint8Array(0), 'truncated');
  });
});

describe('lying lengths fail before allocating', () => {
  const before = () => process.memoryUsage().arrayBuffers;
  const cases: [string, Uint8Array, BlobFormatReason][] = [
    ['str of 2^40 bytes', cat(DJ0, [0x05], u64(2 ** 40), 'ab'), 'truncated'],
    ['bytes of 2^52 bytes', cat(DJ0, [0x06], u64(2 ** 52), 'ab'), 'truncated'],
    ['length with the top bit set', cat(DJ0, [0x05], u64(2n ** 63n), 'ab'), 'bad-length'],
    ['list of 2^50 items', cat(DJ0, [0x02], u64(2 ** 50), sub(hex('FF'))), 'bad-length'],
    ['dict of 2^32 entries', cat(DJ0, [0x04], u64(2 ** 32), sub(hex('FF')), sub(hex('FF'))), 'bad-length'],
    ['sub-item length beyond the blob', cat(DJ0, [0x02], u64(1), u64(1000), hex('FF')), 'bad-length'],
    ['array ndim 2^40', cat(MYM, 'A', u64(2 ** 40), u64(1)), 'bad-length'],
    ['array shape 2^40 x 2^40', cat(MYM, aHead([2 ** 40, 2 ** 40], 6), f64(1)), 'bad-length'],
    ['array of 10^9 doubles in 8 bytes', cat(MYM, aHead([1e9], 6), f64(1)), 'bad-length'],
    ['array of 3 doubles in 8 bytes', cat(MYM, aHead([3], 6), f64(1)), 'truncated'],
    ['object array of 2^30 elements', cat(DJ0, aHead([2 ** 30], 5), sub(hex('FF'))), 'bad-length'],
    ['cell of 2^40 elements', cat(MYM, 'C', u64(1), u64(2 ** 40), sub(hex('FF'))), 'bad-length'],
    ['struct of 2^40 elements', cat(MYM, 'S', u64(1), u64(2 ** 40), u32(1), 'a\0', sub(hex('FF'))), 'bad-length'],
    ['struct of 2^40 elements and no fields', cat(MYM, 'S', u64(1), u64(2 ** 40), u32(0), [0]), 'too-large'],
    ['struct with 2^32-1 fields', cat(MYM, 'S', u64(1), u64(1), u32(2 ** 32 - 1), 'a\0'), 'bad-length'],
    ['record with 2^32-1 fields', cat(DJ0, 'F', u32(2 ** 32 - 1), 'a\0'), 'bad-length'],
    ['int of 65535 bytes in 2', cat(DJ0, [0x0a], [0xff, 0xff], [1, 2]), 'truncated'],
  ];
  for (const [name, bytes, reason] of cases) {
    it(name, () => {
      const m0 = before();
      expectReason(bytes, reason);
      expect(before() - m0).toBeLessThan(64 * 1024 * 1024);
    });
  }

  it('an item shorter than its declared length', () => {
    expectReason(cat(DJ0, [0x02], u64(2), u64(5), hex('0A010001'), hex('FF'), sub(hex('FF'))), 'length-mismatch', 13);
  });
  it('an item longer than its declared length', () => {
    expectReason(cat(DJ0, [0x02], u64(1), u64(3), hex('0A010001')), 'length-mismatch');
  });
  it('trailing bytes after the top-level item', () => {
    expectReason(cat(DJ0, hex('FF00')), 'length-mismatch', 5);
  });
  it('field name without NUL', () => {
    expectReason(cat(DJ0, 'F', u32(1), 'abc'), 'truncated');
  });
});

describe('compressed blobs: bombs and mismatches', () => {
  const zl = (declared: number | bigint, stream: Uint8Array): Uint8Array => cat('ZL123\0', u64(declared), stream);
  const plain = cat(MYM, aHead([2], 6), f64(1), f64(2));

  it('decodes a well-formed ZL123 blob made with any zlib', () => {
    const v = decodeBlob(zl(plain.length, deflateSync(plain)));
    expect(v.type).toBe('array');
  });
  it('declared size above the limit is refused before inflating', () => {
    expectReason(zl(2 ** 40, deflateSync(plain)), 'too-large', 6);
    expectReason(zl(plain.length, deflateSync(plain)), 'too-large', 6, { maxUncompressedBytes: 10 });
  });
  it('a genuine bomb (64 MiB of zeros) is refused under a 1 MiB limit without inflating', () => {
    const big = new Uint8Array(64 * 1024 * 1024);
    const stream = deflateSync(big);
    const m0 = process.memoryUsage().arrayBuffers;
    expectReason(zl(big.length, stream), 'too-large', 6, { maxUncompressedBytes: 1024 * 1024 });
    expect(process.memoryUsage().arrayBuffers - m0).toBeLessThan(16 * 1024 * 1024);
  });
  it('a stream that inflates past its small declared size stops at that size', () => {
    const big = new Uint8Array(64 * 1024 * 1024);
    big.set(plain);
    expectReason(zl(1000, deflateSync(big)), 'decompressed-size-mismatch', 6);
  });
  it('a stream shorter than declared', () => {
    expectReason(zl(plain.length + 1, deflateSync(plain)), 'decompressed-size-mismatch', 6);
  });
  it('a corrupt stream', () => {
    const s = deflateSync(plain);
    s[4] ^= 0xff;
    s[5] ^= 0xff;
    expect(['bad-compression', 'decompressed-size-mismatch']).toContain(failure(zl(plain.length, s)).reason);
    expectReason(zl(plain.length, hex('0102030405')), 'bad-compression');
  });
  it('a header too short', () => {
    expectReason(cat('ZL123\0', [1, 2, 3]), 'truncated');
  });
  it('declared size too small to hold a blob', () => {
    expectReason(zl(0, deflateSync(new Uint8Array(0))), 'decompressed-size-mismatch');
  });
  it('inflated bytes that are not a blob', () => {
    const junk = cat('junk', [0xff]);
    expectReason(zl(junk.length, deflateSync(junk)), 'unknown-protocol');
  });
});

describe('values DataJoint would refuse', () => {
  it('invalid UTF-8 in a str (offset of its bytes)', () => expectReason(cat(DJ0, [0x05], u64(2), [0xc3, 0x28]), 'invalid-utf8', 13));
  it('invalid UTF-8 in a long str', () => {
    const b = new Uint8Array(200).fill(0x61);
    b[150] = 0xff;
    expectReason(cat(DJ0, [0x05], u64(200), b), 'invalid-utf8');
  });
  it('invalid UTF-8 in a field name', () => expectReason(cat(DJ0, 'F', u32(1), [0xff, 0], cat(aHead([0], 6))), 'invalid-utf8'));
  it('month 13', () => expectReason(cat(DJ0, 't', i32(20241315), i64(-1)), 'invalid-value', 4));
  it('February 30', () => expectReason(cat(DJ0, 't', i32(20230230), i64(-1)), 'invalid-value'));
  it('hour 24', () => expectReason(cat(DJ0, 't', i32(-1), i64(240000000000)), 'invalid-value'));
  it('not a decimal', () => expectReason(cat(DJ0, 'd', u64(3), '1.x'), 'invalid-value'));
  it('date and time both absent decode to None, as in DataJoint', () => {
    expect(decodeBlob(cat(DJ0, 't', i32(-1), i64(-1)))).toEqual({ type: 'none' });
  });
});

describe('depth limit', () => {
  const nested = (depth: number): Uint8Array => {
    let item: Uint8Array = hex('FF');
    for (let i = 0; i < depth; i++) item = cat([0x02], u64(1), sub(item));
    return cat(DJ0, item);
  };
  it('accepts 900 levels, refuses 1100 by default', () => {
    expect(() => decodeBlob(nested(900))).not.toThrow();
    expectReason(nested(1100), 'too-deep');
  });
  it('limit is configurable', () => {
    expectReason(nested(20), 'too-deep', undefined, { maxDepth: 10 });
  });
  it('encoder refuses cyclic values', () => {
    const l: BlobValue = list([]);
    (l as { items: BlobValue[] }).items.push(l);
    expect(() => encodeBlob(l)).toThrow(BlobEncodeError);
  });
});

describe('random corruption never escapes as anything but BlobFormatError', () => {
  it('20 000 mutated blobs', () => {
    let seed = 42;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    const bases = Object.values(samples);
    let rejected = 0;
    for (let k = 0; k < 20_000; k++) {
      const b = bases[rnd(bases.length)].slice();
      const flips = 1 + rnd(4);
      for (let f = 0; f < flips; f++) {
        const pos = rnd(b.length);
        b[pos] = rnd(3) === 0 ? 0xff : rnd(256);
      }
      try {
        decodeBlob(b, { maxUncompressedBytes: 1 << 20 });
      } catch (e) {
        if (!(e instanceof BlobFormatError)) throw e;
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});

describe('encoder input checks', () => {
  const bad: [string, BlobValue][] = [
    ['data length does not match shape', ndarray('float64', [3], new Float64Array(2))],
    ['wrong typed array for dtype', ndarray('int32', [2], new Float64Array(2))],
    ['negative dimension', ndarray('float64', [-1], new Float64Array(0))],
    ['lone surrogate', str('a\uD800b')],
    ['int wider than 65535 bytes', int(1n << (8n * 65535n))],
    ['invalid date', date(2024, 13, 1)],
    ['invalid time', time(25, 0, 0)],
    ['cell with too few items', cell([2], [int(1)])],
    ['struct element with too few values', struct([1], ['a', 'b'], [[int(1)]])],
    ['field name with NUL', { type: 'record', fields: [{ name: 'a\0b', value: float(1) }] }],
  ];
  for (const [name, v] of bad) {
    it(name, () => expect(() => encodeBlob(v)).toThrow(BlobEncodeError));
  }
  it('a valid surrogate pair is fine', () => {
    expect(() => encodeBlob(str('😀'))).not.toThrow();
    expect(() => encodeBlob(dict([[str('k'), int(1n << (8n * 65534n))]]))).not.toThrow();
  });
});

describe('input views', () => {
  it('decodes a Buffer that is a slice of a larger buffer', () => {
    const inner = cat(MYM, aHead([2], 6), f64(1.5), f64(-2));
    const outer = Buffer.concat([Buffer.from('xxxxxxx'), Buffer.from(inner), Buffer.from('yy')]);
    const v = decodeBlob(outer.subarray(7, 7 + inner.length));
    if (v.type !== 'array' || v.dtype === 'object') throw new Error('not numeric');
    expect(Array.from(v.data as Float64Array)).toEqual([1.5, -2]);
  });
});
