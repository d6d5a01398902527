/**
 * Golden vectors: bytes written field by field from formats/blob.md (and the reference table of
 * worked bytes, datajoint-format.md §3.4), each decoded to the expected model value and
 * re-encoded to the same bytes.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type BlobValue, blobValuesEqual, bool, bytes, cell, charRow, complex, date, datetime, decimal, decodeBlob,
  decodeBlobDetailed, dict, encodeBlob, float, int, list, ndarray, none, objectArray, record, set, str, struct,
  time, tuple, uuid, charArrayText, cOrderBytes,
} from '../../src/blob/index.js';
import { DJ0, MYM, ascii, cat, f32, f64, hex, i32, i64, sub, toHex, u16, u32, u64 } from './bytes.js';

interface Vector {
  name: string;
  bytes: Uint8Array;
  value: BlobValue;
}

/** `A` item header: ndim, shape, type id, complex flag. */
function aHead(shape: number[], typeId: number, isComplex = 0): Uint8Array {
  return cat('A', u64(shape.length), ...shape.map((d) => u64(d)), u32(typeId), u32(isComplex));
}

const i64s = (...xs: number[]) => cat(...xs.map((x) => i64(x)));
const f64s = (...xs: number[]) => cat(...xs.map((x) => f64(x)));

export const vectors: Vector[] = [
  // ---- reference §3.4, row by row
  {
    name: 'np.array([1,2,3], int64)',
    bytes: hex(`6D596D00 41 0100000000000000 0300000000000000 0E000000 00000000
      0100000000000000 0200000000000000 0300000000000000`),
    value: ndarray('int64', [3], BigInt64Array.from([1n, 2n, 3n])),
  },
  {
    name: 'np.array([[1.,2.],[3.,4.]]) is written in F order',
    bytes: cat(MYM, aHead([2, 2], 6), f64s(1, 3, 2, 4)),
    value: ndarray('float64', [2, 2], Float64Array.from([1, 2, 3, 4]), 'C'),
  },
  { name: 'Python 5', bytes: hex('646A3000 0A 0100 05'), value: int(5) },
  { name: 'Python -1', bytes: hex('646A3000 0A 0100 FF'), value: int(-1) },
  { name: 'Python 300', bytes: hex('646A3000 0A 0200 2C01'), value: int(300) },
  { name: 'Python 1.5', bytes: hex('646A3000 0D 000000000000F83F'), value: float(1.5) },
  { name: 'Python True', bytes: hex('646A3000 0B 01'), value: bool(true) },
  {
    name: 'np.float64(2.5) is a 0-d array',
    bytes: hex('646A3000 41 0000000000000000 06000000 00000000 0000000000000440'),
    value: ndarray('float64', [], Float64Array.from([2.5])),
  },
  { name: '"hi"', bytes: hex('646A3000 05 0200000000000000 6869'), value: str('hi') },
  { name: 'None', bytes: hex('646A3000 FF'), value: none() },
  {
    name: '[1, "a"]',
    bytes: cat(DJ0, [0x02], u64(2), sub(hex('0A 0100 01')), sub(cat([0x05], u64(1), 'a'))),
    value: list([int(1), str('a')]),
  },
  {
    name: '{"a": 1}',
    bytes: cat(DJ0, [0x04], u64(1), sub(cat([0x05], u64(1), 'a')), sub(hex('0A 0100 01'))),
    value: dict([[str('a'), int(1)]]),
  },
  {
    name: "UUID('12345678-1234-5678-1234-567812345678')",
    bytes: hex('646A3000 75 12345678123456781234567812345678'),
    value: uuid('12345678-1234-5678-1234-567812345678'),
  },
  { name: 'Decimal("1.50")', bytes: hex('646A3000 64 0400000000000000 312E3530'), value: decimal('1.50') },
  {
    name: 'datetime(2024,1,15,13,45,30,123456)',
    bytes: hex('646A3000 74 F3D63401 C0C69E521F000000'),
    value: datetime(2024, 1, 15, 13, 45, 30, 123456),
  },
  { name: 'date(2024,1,15)', bytes: hex('646A3000 74 F3D63401 FFFFFFFFFFFFFFFF'), value: date(2024, 1, 15) },
  {
    name: "np.array([b'a', b'b'], 'S1') (char, u16 per element)",
    bytes: cat(MYM, aHead([2], 4), hex('6100 6200')),
    value: ndarray('char', [2], Uint16Array.from([0x61, 0x62])),
  },
  {
    name: 'record array [(1, 2.0)] with fields a:i4, b:f8',
    bytes: cat(DJ0, 'F', u32(2), 'a\0b\0', aHead([1], 12), i32(1), aHead([1], 6), f64(2)),
    value: record([
      { name: 'a', value: ndarray('int32', [1], Int32Array.from([1])) },
      { name: 'b', value: ndarray('float64', [1], Float64Array.from([2])) },
    ]),
  },
  {
    name: "np.array(['2024-01-15'], 'datetime64[D]')",
    bytes: cat(DJ0, aHead([1], 65539), hex('194D000000000000')),
    value: ndarray('datetime64[D]', [1], BigInt64Array.from([19737n])),
  },
  // ---- further items, laid out from the item table
  { name: 'Python False', bytes: hex('646A3000 0B 00'), value: bool(false) },
  { name: 'Python 0', bytes: hex('646A3000 0A 0100 00'), value: int(0) },
  { name: 'Python -128 takes 2 bytes (bit_length 8)', bytes: hex('646A3000 0A 0200 80FF'), value: int(-128) },
  { name: 'Python 127', bytes: hex('646A3000 0A 0100 7F'), value: int(127) },
  {
    name: 'Python 2**64 (beyond 2^53 stays exact)',
    bytes: hex('646A3000 0A 0900 000000000000000001'),
    value: int(2n ** 64n),
  },
  {
    name: 'Python -(2**70)',
    bytes: hex('646A3000 0A 0900 0000000000000000C0'),
    value: int(-(2n ** 70n)),
  },
  {
    name: 'Python 2**63-1',
    bytes: hex('646A3000 0A 0800 FFFFFFFFFFFFFF7F'),
    value: int(2n ** 63n - 1n),
  },
  { name: 'Python complex(1, -2)', bytes: cat(DJ0, [0x0c], f64(1), f64(-2)), value: complex(1, -2) },
  { name: 'Python float nan', bytes: cat(DJ0, [0x0d], hex('000000000000F87F')), value: float(NaN) },
  { name: 'Python float -0.0', bytes: cat(DJ0, [0x0d], hex('0000000000000080')), value: float(-0) },
  { name: 'bytes b"\\x00\\xff"', bytes: cat(DJ0, [0x06], u64(2), [0x00, 0xff]), value: bytes(Uint8Array.from([0, 255])) },
  { name: 'empty str', bytes: cat(DJ0, [0x05], u64(0)), value: str('') },
  {
    name: 'non-ASCII str "héllo ☃ 😀" as UTF-8',
    bytes: cat(DJ0, [0x05], u64(15), hex('68C3A96C6C6F20E2988320F09F9880')),
    value: str('héllo ☃ 😀'),
  },
  { name: 'str starting with a BOM keeps it', bytes: cat(DJ0, [0x05], u64(4), hex('EFBBBF61')), value: str('\uFEFFa') },
  { name: 'Decimal("-1E+3")', bytes: cat(DJ0, 'd', u64(5), '-1E+3'), value: decimal('-1E+3') },
  { name: 'Decimal("NaN")', bytes: cat(DJ0, 'd', u64(3), 'NaN'), value: decimal('NaN') },
  { name: 'time(13,45,30,5)', bytes: cat(DJ0, 't', i32(-1), i64(134530000005)), value: time(13, 45, 30, 5) },
  { name: 'time(0,0)', bytes: cat(DJ0, 't', i32(-1), i64(0)), value: time(0, 0, 0) },
  { name: 'datetime(1, 1, 1)', bytes: cat(DJ0, 't', i32(10101), i64(0)), value: datetime(1, 1, 1) },
  {
    name: 'tuple (None, True)',
    bytes: cat(DJ0, [0x01], u64(2), sub(hex('FF')), sub(hex('0B01'))),
    value: tuple([none(), bool(true)]),
  },
  { name: 'empty list', bytes: cat(DJ0, [0x02], u64(0)), value: list([]) },
  {
    name: 'set {3, 1} in stored order',
    bytes: cat(DJ0, [0x03], u64(2), sub(hex('0A010003')), sub(hex('0A010001'))),
    value: set([int(3), int(1)]),
  },
  {
    name: 'dict with a tuple key and a nested list value',
    bytes: cat(DJ0, [0x04], u64(2),
      sub(cat([0x01], u64(2), sub(hex('0A010001')), sub(hex('0A010002')))), sub(cat([0x05], u64(1), 'x')),
      sub(cat([0x05], u64(1), 'k')), sub(cat([0x02], u64(1), sub(cat([0x02], u64(1), sub(hex('FF'))))))),
    value: dict([
      [tuple([int(1), int(2)]), str('x')],
      [str('k'), list([list([none()])])],
    ]),
  },
  {
    name: 'list with a numpy array stays dj0 with the array inside in mYm layout',
    bytes: cat(DJ0, [0x02], u64(1), sub(cat(aHead([2], 12), i32(7), i32(-7)))),
    value: list([ndarray('int32', [2], Int32Array.from([7, -7]))]),
  },
  // numeric dtypes and layouts
  {
    name: 'uint8 2x3 (C data reordered to F)',
    bytes: cat(MYM, aHead([2, 3], 9), [1, 4, 2, 5, 3, 6]),
    value: ndarray('uint8', [2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]), 'C'),
  },
  {
    name: 'int16 2x2x2 (3-d F order)',
    bytes: cat(MYM, aHead([2, 2, 2], 10), ...[0, 4, 2, 6, 1, 5, 3, 7].map((x) => u16(x))),
    value: ndarray('int16', [2, 2, 2], Int16Array.from([0, 1, 2, 3, 4, 5, 6, 7]), 'C'),
  },
  { name: 'bool [True, False]', bytes: cat(MYM, aHead([2], 3), [1, 0]), value: ndarray('bool', [2], Uint8Array.from([1, 0])) },
  { name: 'int8 [-1]', bytes: cat(MYM, aHead([1], 8), [0xff]), value: ndarray('int8', [1], Int8Array.from([-1])) },
  { name: 'uint16 [65535]', bytes: cat(MYM, aHead([1], 11), u16(65535)), value: ndarray('uint16', [1], Uint16Array.from([65535])) },
  { name: 'uint32 [2**32-1]', bytes: cat(MYM, aHead([1], 13), u32(2 ** 32 - 1)), value: ndarray('uint32', [1], Uint32Array.from([2 ** 32 - 1])) },
  {
    name: 'uint64 [2**64-1] stays exact',
    bytes: cat(MYM, aHead([1], 15), hex('FFFFFFFFFFFFFFFF')),
    value: ndarray('uint64', [1], BigUint64Array.from([2n ** 64n - 1n])),
  },
  {
    name: 'int64 [-(2**63)]',
    bytes: cat(MYM, aHead([1], 14), hex('0000000000000080')),
    value: ndarray('int64', [1], BigInt64Array.from([-(2n ** 63n)])),
  },
  { name: 'float32 [1.5]', bytes: cat(MYM, aHead([1], 7), f32(1.5)), value: ndarray('float32', [1], Float32Array.from([1.5])) },
  { name: 'empty float64 (0,)', bytes: cat(MYM, aHead([0], 6)), value: ndarray('float64', [0], new Float64Array(0)) },
  { name: 'empty (3, 0)', bytes: cat(MYM, aHead([3, 0], 6)), value: ndarray('float64', [3, 0], new Float64Array(0)) },
  {
    name: 'complex128 [1+2j, 3-4j]: real parts, then imaginary parts',
    bytes: cat(MYM, aHead([2], 6, 1), f64s(1, 3), f64s(2, -4)),
    value: ndarray('complex128', [2], Float64Array.from([1, 3]), 'C', Float64Array.from([2, -4])),
  },
  {
    name: 'complex64 2x2, each part in F order',
    bytes: cat(MYM, aHead([2, 2], 7, 1), f32(1), f32(3), f32(2), f32(4), f32(10), f32(30), f32(20), f32(40)),
    value: ndarray('complex64', [2, 2], Float32Array.from([1, 2, 3, 4]), 'C', Float32Array.from([10, 20, 30, 40])),
  },
  {
    name: 'char 1x5 "hello" (MATLAB string)',
    bytes: cat(MYM, aHead([1, 5], 4), ...Array.from('hello', (c) => u16(c.charCodeAt(0)))),
    value: charRow('hello'),
  },
  {
    name: '0-d char array stays mYm',
    bytes: cat(MYM, aHead([], 4), u16(0x61)),
    value: ndarray('char', [], Uint16Array.from([0x61])),
  },
  {
    name: '0-d bool array needs dj0',
    bytes: cat(DJ0, aHead([], 3), [1]),
    value: ndarray('bool', [], Uint8Array.from([1])),
  },
  {
    name: 'datetime64[ns] 2-d with NaT',
    bytes: cat(DJ0, aHead([1, 2], 65545), i64(1_700_000_000_000_000_000n), hex('0000000000000080')),
    value: ndarray('datetime64[ns]', [1, 2], BigInt64Array.from([1_700_000_000_000_000_000n, -(2n ** 63n)])),
  },
  {
    name: "unicode array np.array(['ab', 'c']) is an object array of str",
    bytes: cat(DJ0, aHead([2], 5), sub(cat([0x05], u64(2), 'ab')), sub(cat([0x05], u64(1), 'c'))),
    value: objectArray([2], [str('ab'), str('c')]),
  },
  {
    name: 'object array 2x2 in F order',
    bytes: cat(DJ0, aHead([2, 2], 5), ...[1, 3, 2, 4].map((x) => sub(hex(`0A0100${x.toString(16).padStart(2, '0')}`)))),
    value: objectArray([2, 2], [int(1), int(2), int(3), int(4)], 'C'),
  },
  // MATLAB struct and cell arrays
  {
    name: 'struct 1x1 with fields a (double) and b (char) stays mYm',
    bytes: cat(MYM, 'S', u64(2), u64(1), u64(1), u32(2), 'a\0b\0',
      sub(cat(aHead([1, 1], 6), f64(3))), sub(cat(aHead([1, 2], 4), u16(0x68), u16(0x69)))),
    value: struct([1, 1], ['a', 'b'], [[ndarray('float64', [1, 1], Float64Array.from([3])), charRow('hi')]]),
  },
  {
    name: 'struct 2x1 elements in F order',
    bytes: cat(MYM, 'S', u64(2), u64(2), u64(1), u32(1), 'x\0',
      sub(cat(aHead([1], 6), f64(1))), sub(cat(aHead([1], 6), f64(2)))),
    value: struct([2, 1], ['x'], [[ndarray('float64', [1], Float64Array.from([1]))], [ndarray('float64', [1], Float64Array.from([2]))]]),
  },
  {
    name: 'struct holding a Python int switches the whole blob to dj0',
    bytes: cat(DJ0, 'S', u64(1), u64(1), u32(1), 'n\0', sub(hex('0A010009'))),
    value: struct([1], ['n'], [[int(9)]]),
  },
  {
    name: 'struct with no fields: DataJoint writes a lone NUL for the names',
    bytes: cat(MYM, 'S', u64(2), u64(1), u64(1), u32(0), [0]),
    value: struct([1, 1], [], [[]]),
  },
  {
    name: 'cell 1x3 ragged',
    bytes: cat(MYM, 'C', u64(2), u64(1), u64(3),
      sub(cat(aHead([1, 2], 6), f64s(1, 2))), sub(cat(aHead([1, 3], 6), f64s(3, 4, 5))), sub(cat(aHead([0, 0], 6)))),
    value: cell([1, 3], [
      ndarray('float64', [1, 2], Float64Array.from([1, 2])),
      ndarray('float64', [1, 3], Float64Array.from([3, 4, 5])),
      ndarray('float64', [0, 0], new Float64Array(0)),
    ]),
  },
  {
    name: 'cell 2x2 (C-ordered input written in F order) with a nested cell',
    bytes: cat(MYM, 'C', u64(2), u64(2), u64(2),
      sub(cat(aHead([1], 9), [1])), sub(cat(aHead([1], 9), [3])), sub(cat(aHead([1], 9), [2])),
      sub(cat('C', u64(1), u64(0)))),
    value: cell([2, 2], [
      ndarray('uint8', [1], Uint8Array.from([1])), ndarray('uint8', [1], Uint8Array.from([2])),
      ndarray('uint8', [1], Uint8Array.from([3])), cell([0], []),
    ], 'C'),
  },
  {
    name: 'empty cell',
    bytes: cat(MYM, 'C', u64(2), u64(0), u64(0)),
    value: cell([0, 0], []),
  },
  {
    name: 'nested record array field',
    bytes: cat(DJ0, 'F', u32(2), 'p\0q\0', 'F', u32(1), 'r\0', aHead([2], 9), [5, 6], aHead([2], 3), [0, 1]),
    value: record([
      { name: 'p', value: record([{ name: 'r', value: ndarray('uint8', [2], Uint8Array.from([5, 6])) }]) },
      { name: 'q', value: ndarray('bool', [2], Uint8Array.from([0, 1])) },
    ]),
  },
];

describe('golden vectors (formats/blob.md)', () => {
  for (const v of vectors) {
    it(`decodes ${v.name}`, () => {
      const decoded = decodeBlob(v.bytes);
      expect(blobValuesEqual(decoded, v.value, { unorderedSets: false })).toBe(true);
    });
    it(`re-encodes ${v.name} byte for byte`, () => {
      expect(toHex(encodeBlob(decodeBlob(v.bytes)))).toBe(toHex(v.bytes));
      expect(toHex(encodeBlob(v.value))).toBe(toHex(v.bytes));
    });
  }

  it('the int64 vector is 53 bytes as the reference says', () => {
    expect(vectors[0].bytes.length).toBe(53);
  });

  it('decodes arrays in F order with the stored shape', () => {
    const a = decodeBlob(cat(MYM, aHead([2, 3], 6), f64s(1, 4, 2, 5, 3, 6)));
    expect(a.type === 'array' && a.dtype === 'float64').toBe(true);
    if (a.type !== 'array' || a.dtype === 'object') throw new Error('not numeric');
    expect(a.order).toBe('F');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as Float64Array)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(new Float64Array(cOrderBytes(a).buffer))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives small arrays their own aligned, independent elements', () => {
    const item = (x: number) => sub(cat(aHead([3], 6), f64s(x, x + 1, x + 2)));
    const v = decodeBlob(cat(DJ0, [0x02], u64(2), item(10), item(20)));
    if (v.type !== 'list') throw new Error('not a list');
    const [a, b] = v.items.map((x) => (x as { data: Float64Array }).data);
    expect(Array.from(a)).toEqual([10, 11, 12]);
    expect(Array.from(b)).toEqual([20, 21, 22]);
    expect(a.byteOffset % 8).toBe(0);
    a[2] = -1;
    expect(Array.from(b)).toEqual([20, 21, 22]);
  });

  it('keeps NaN payload bits of float arrays', () => {
    const b = cat(MYM, aHead([1], 6), hex('0100000000F0FF7F'));
    expect(toHex(encodeBlob(decodeBlob(b)))).toBe(toHex(b));
  });

  it('reads char arrays the way DataJoint does (low byte)', () => {
    const a = decodeBlob(cat(MYM, aHead([1, 3], 4), u16(0x61), u16(0x162), u16(0x63)));
    if (a.type !== 'array' || a.dtype !== 'char') throw new Error('not char');
    expect(charArrayText(a)).toBe('abc');
    expect(charArrayText(a, 'utf16')).toBe('a\u0162c');
    expect(toHex(encodeBlob(a))).toBe(toHex(cat(MYM, aHead([1, 3], 4), u16(0x61), u16(0x162), u16(0x63))));
  });

  it('reports protocol and compression', () => {
    expect(decodeBlobDetailed(vectors[0].bytes)).toMatchObject({ protocol: 'mYm', compressed: false, plainLength: 53 });
    expect(decodeBlobDetailed(hex('646A3000FF'))).toMatchObject({ protocol: 'dj0', compressed: false });
  });

  it('accepts a zero-field struct or record without the NUL, too', () => {
    const s = decodeBlob(cat(MYM, 'S', u64(1), u64(1), u32(0)));
    expect(blobValuesEqual(s, struct([1], [], [[]]))).toBe(true);
    const r = decodeBlob(cat(DJ0, 'F', u32(0)));
    expect(blobValuesEqual(r, record([]))).toBe(true);
    expect(toHex(encodeBlob(r))).toBe(toHex(cat(DJ0, 'F', u32(0), [0])));
  });

  it('uses u32 dimensions and lengths with dims32 (32-bit MATLAB mYm)', () => {
    const b = cat(MYM, 'A', u32(1), u32(2), u32(6), u32(0), f64s(1, 2));
    const v = decodeBlob(b, { dims32: true });
    expect(blobValuesEqual(v, ndarray('float64', [2], Float64Array.from([1, 2])))).toBe(true);
    // the compressed header's length is a u32 too
    const z = cat('ZL123\0', u32(b.length), deflateSync(b));
    expect(blobValuesEqual(decodeBlob(z, { dims32: true }), v)).toBe(true);
  });
});

describe('compressed blobs (ZL123)', () => {
  // Produced by DataJoint 2.3.2's blob.pack with CPython's zlib 1.2.13 (independent of this code).
  const zeros1000 = hex(`5a4c313233005d1f000000000000789cedc5410d00200c04b02324f8420622e61b193c165cb49fd6a9ec91
    7667bf02000000000000007c0f4e240267`);
  const twoLongStrings = hex(`5a4c31323300df04000000000000789c4bc9326060626280804428833502caa81805a380060023a1558e8251
    4003000092c0377d`);
  const arange300 = hex(`5a4c31323300cd04000000000000789c45d363ac18061406d057dbb68dd5b657aeb6b9b6afb6bdd55cdd6e5d
    b1955b6dae3656dbb6ddf3d226fd9293dc7cc94dee9f1b583b30a068b080afc9f86d8818f03d4155704210925084260c61094778227cdb8b44
    64a21095684427063189456ce2109778c4270109494462929094642427052949456ad2909674a42743d0fd6422333f9085ac64233b39c8492e
    729387bce4233f052848210a5384a214a338252849294a53861f294b39ca53818a54e2272a5385aa54a33a35a8492d6a5387bad4a33e0d6848
    231ad384a634a3392d68492b7ea6356d684b20ed684f073ad289ce74a12bdde84e0f7ad28bdef4a12ffde8cf00063288c10c6128c3f8855f19
    ce0846328ad18c612ce318cf04263289df98cc14a6328de9cc6026b398cdeffcc11cfe642ef398cf02fee26f16b288c52c6129cbf8877f59ce
    0a56b28ad5ac612deb58cf0636b289cd6c612bdbd8ce0efe6327bbd8cd1ef6b28ffd1ce0208738cc118e728ce39ce07f4e728ad39ce12ce738
    cf052e7289cb5ce12ad7b8ce0d6e728bdbdce12ef7b8cf031ef288c73ce129cf78ce0b5ef28ad7bce12def78cf073ef289cf043d7f30821382
    9084223461084b38c213818844223251884a34a2138398c4223671884b3ce293808424223149484a3292938294a4223569484b3ad293812f5e
    4a850d`);

  it('np.zeros(1000): header, declared length 8029, zlib stream 78 9C', () => {
    expect(toHex(zeros1000.subarray(0, 16))).toBe('5a4c313233005d1f000000000000789c');
    const v = decodeBlobDetailed(zeros1000);
    expect(v).toMatchObject({ compressed: true, protocol: 'mYm', plainLength: 8029 });
    expect(blobValuesEqual(v.value, ndarray('float64', [1000], new Float64Array(1000)))).toBe(true);
  });

  it('re-encodes to exactly the bytes Python zlib wrote', () => {
    expect(toHex(encodeBlob(ndarray('float64', [1000], new Float64Array(1000))))).toBe(toHex(zeros1000));
    expect(toHex(encodeBlob(list([str('x'.repeat(600)), str('y'.repeat(600))])))).toBe(toHex(twoLongStrings));
    const ar = ndarray('int32', [300], Int32Array.from({ length: 300 }, (_, i) => i));
    expect(toHex(encodeBlob(ar))).toBe(toHex(arange300));
    expect(toHex(encodeBlob(decodeBlob(arange300)))).toBe(toHex(arange300));
  });

  it('compresses only above 1000 plain bytes', () => {
    // 4 + 1 + 8 + 8 + 4 + 4 + 8n: n = 121 gives 997 bytes, n = 122 gives 1005
    expect(encodeBlob(ndarray('float64', [121], new Float64Array(121))).length).toBe(997);
    expect(encodeBlob(ndarray('float64', [122], new Float64Array(122)))[0]).toBe(0x5a);
    expect(encodeBlob(ndarray('float64', [122], new Float64Array(122)), { compress: false }).length).toBe(1005);
  });

  it('keeps the plain form when compression does not make it strictly shorter', () => {
    const noise = new Uint8Array(2000);
    let x = 12345;
    for (let i = 0; i < noise.length; i++) { x = (x * 1103515245 + 12345) >>> 0; noise[i] = x >>> 24; }
    const enc = encodeBlob(bytes(noise));
    expect(toHex(enc.subarray(0, 4))).toBe(toHex(ascii('dj0\0')));
    expect(enc.length).toBe(4 + 1 + 8 + 2000);
  });
});
