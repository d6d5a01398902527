/**
 * What dj-cat prints: NumPy-like array previews (aligned columns, blank lines between blocks,
 * summaries above 1000 elements, line wrapping), Python notation for scalars and short
 * containers, indented blocks for the rest, attachments as text or a hex dump.
 */
import { describe, expect, it } from 'vitest';
import * as B from '../../src/blob/index.js';
import { formatBlobValue, formatOpenValue } from '../../src/open/pretty.js';

const lines = (...l: string[]): string => l.join('\n');

describe('formatBlobValue', () => {
  it('prints arrays with dtype, shape and aligned elements in C order', () => {
    expect(formatBlobValue(B.ndarray('bool', [2, 2], Uint8Array.from([1, 0, 0, 1])))).toBe(lines(
      'bool array, shape (2, 2)', '  [[ True, False],', '   [False,  True]]'));
    expect(formatBlobValue(B.withOrder(B.ndarray('int64', [2, 3, 2], BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i - 6))), 'F'))).toBe(lines(
      'int64 array, shape (2, 3, 2)',
      '  [[[-6, -5],', '    [-4, -3],', '    [-2, -1]],', '',
      '   [[ 0,  1],', '    [ 2,  3],', '    [ 4,  5]]]'));
    expect(formatBlobValue(B.ndarray('complex128', [2], Float64Array.from([1, -0.5]), 'C', Float64Array.from([2, -3.25])))).toBe(lines(
      'complex128 array, shape (2,)', '  [  (1.0+2.0j), (-0.5-3.25j)]'));
    expect(formatBlobValue(B.ndarray('float32', [3], Float32Array.from([0.1, 1e-8, 3])))).toBe(lines(
      'float32 array, shape (3,)', '  [  0.1, 1e-08,   3.0]'));
    expect(formatBlobValue(B.ndarray('float64', [], Float64Array.from([0.5])))).toBe(lines('float64 array, shape ()', '  0.5'));
    expect(formatBlobValue(B.ndarray('float64', [0, 3], new Float64Array(0)))).toBe(lines('float64 array, shape (0, 3)', '  []'));
  });

  it('prints datetime64 elements as ISO text, NaT for not-a-time', () => {
    expect(formatBlobValue(B.ndarray('datetime64[ns]', [2], BigInt64Array.from([1_700_000_000_123_456_789n, -(2n ** 63n)])))).toBe(lines(
      'datetime64[ns] array, shape (2,)', "  ['2023-11-14T22:13:20.123456789',                           'NaT']"));
    expect(formatBlobValue(B.ndarray('datetime64[D]', [2], BigInt64Array.from([0n, -1n])))).toBe(lines(
      'datetime64[D] array, shape (2,)', "  ['1970-01-01', '1969-12-31']"));
    expect(formatBlobValue(B.ndarray('datetime64[M]', [2], BigInt64Array.from([0n, -1n])))).toBe(lines(
      'datetime64[M] array, shape (2,)', "  ['1970-01', '1969-12']"));
  });

  it('summarises arrays above 1000 elements like NumPy (3 items at each end) and wraps long rows', () => {
    const big = formatBlobValue(B.ndarray('int32', [20, 60], Int32Array.from({ length: 1200 }, (_, i) => i)));
    expect(big.split('\n')).toEqual([
      'int32 array, shape (20, 60)',
      '  [[   0,    1,    2, ...,   57,   58,   59],',
      '   [  60,   61,   62, ...,  117,  118,  119],',
      '   [ 120,  121,  122, ...,  177,  178,  179],',
      '   ...,',
      '   [1020, 1021, 1022, ..., 1077, 1078, 1079],',
      '   [1080, 1081, 1082, ..., 1137, 1138, 1139],',
      '   [1140, 1141, 1142, ..., 1197, 1198, 1199]]',
    ]);
    const long = formatBlobValue(B.ndarray('uint8', [40], Uint8Array.from({ length: 40 }, (_, i) => i * 6))).split('\n');
    expect(long.length).toBeGreaterThan(2);
    expect(Math.max(...long.map((l) => l.length))).toBeLessThanOrEqual(75);
  });

  it('prints scalars and short containers in Python notation, longer ones as indented blocks', () => {
    expect(formatBlobValue(B.dict([[B.str('a'), B.int(1)], [B.str('b'), B.list([B.float(0.5), B.none(), B.bool(true)])]]))).toBe("{'a': 1, 'b': [0.5, None, True]}");
    expect(formatBlobValue(B.tuple([
      B.set([]), B.tuple([B.int(1)]), B.decimal('1.50'), B.date(2024, 1, 2), B.uuid('3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f'),
      B.complex(1, -2), B.float(1e22), B.float(-0), B.bytes(Uint8Array.from([0x61, 0, 0x27])), B.str("it's"),
    ]))).toBe(lines(
      'tuple (10 items)', '  [0] set()', '  [1] (1,)', "  [2] Decimal('1.50')", '  [3] date 2024-01-02',
      "  [4] UUID('3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f')", '  [5] (1.0-2.0j)', '  [6] 1e+22', '  [7] -0.0',
      "  [8] b'a\\x00\\''", '  [9] "it\'s"'));
    expect(formatBlobValue(B.dict([[B.str('a'), B.ndarray('int8', [2], Int8Array.from([1, 2]))], [B.str('t'), B.charRow('hi')]]))).toBe(lines(
      'dict (2 items)', "  'a': int8 array, shape (2,)", '    [1, 2]', "  't': 'hi' (char (1, 2))"));
    expect(formatBlobValue(B.struct([1, 2], ['a', 'b'], [[B.float(1), B.str('x')], [B.float(2), B.str('y')]]))).toBe(lines(
      'struct array, shape (1, 2), fields a, b', '  [0].a: 1.0', "  [0].b: 'x'", '  [1].a: 2.0', "  [1].b: 'y'"));
  });
});

describe('formatOpenValue', () => {
  it('prints attachments as name, size and their first bytes (text, or a hex dump)', () => {
    expect(formatOpenValue({ kind: 'attachment', name: Buffer.from('a.txt'), contents: Buffer.from('one\ntwo\n') })).toBe(lines(
      "attachment 'a.txt', 8 bytes", 'first 8 bytes as text:', '  one', '  two'));
    expect(formatOpenValue({ kind: 'attachment', name: Buffer.from('x.bin'), contents: Uint8Array.from({ length: 20 }, (_, i) => i * 13) })).toBe(lines(
      "attachment 'x.bin', 20 bytes", 'first 20 bytes:',
      '  00000000  00 0d 1a 27 34 41 4e 5b 68 75 82 8f 9c a9 b6 c3  ...\'4AN[hu......',
      '  00000010  d0 dd ea f7                                      ....'));
    expect(formatOpenValue({ kind: 'none' })).toBe('NULL');
  });
});
