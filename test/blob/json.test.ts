/** The JSON view (formats/blob.md §JSON view). */
import { describe, expect, it } from 'vitest';
import {
  type NumericArray, arrayToNpy, bool, bytes, cell, charRow, complex, date, datetime, decimal, decodeBlob, dict, float,
  int, list, ndarray, none, objectArray, record, set, str, struct, time, toJsonView, tuple, uuid,
} from '../../src/blob/index.js';
import { MYM, cat, f64, u32, u64 } from './bytes.js';

describe('toJsonView', () => {
  it('lists numeric arrays in C order with dtype and shape', () => {
    const blob = cat(MYM, 'A', u64(2), u64(2), u64(3), u32(6), u32(0), ...[1, 4, 2, 5, 3, 6].map((x) => f64(x)));
    expect(toJsonView(decodeBlob(blob))).toEqual({
      type: 'array', dtype: 'float64', shape: [2, 3], order: 'C', data: [1, 2, 3, 4, 5, 6],
    });
  });

  it('keeps what JSON numbers cannot: big ints and special floats as strings', () => {
    expect(toJsonView(int(2n ** 53n))).toEqual({ type: 'int', value: '9007199254740992' });
    expect(toJsonView(int(2n ** 53n - 1n))).toEqual({ type: 'int', value: 9007199254740991 });
    expect(toJsonView(int(-(2n ** 70n)))).toEqual({ type: 'int', value: '-1180591620717411303424' });
    expect(toJsonView(float(NaN))).toEqual({ type: 'float', value: 'NaN' });
    expect(toJsonView(float(-Infinity))).toEqual({ type: 'float', value: '-Infinity' });
    expect(toJsonView(float(-0))).toEqual({ type: 'float', value: '-0' });
    const a = ndarray('uint64', [2], BigUint64Array.from([1n, 2n ** 64n - 1n]));
    expect(toJsonView(a).data).toEqual([1, '18446744073709551615']);
    expect(toJsonView(ndarray('float32', [2], Float32Array.from([Infinity, 0.5]))).data).toEqual(['Infinity', 0.5]);
  });

  it('bool, complex, datetime64 (NaT as null) and char arrays', () => {
    expect(toJsonView(ndarray('bool', [2], Uint8Array.from([1, 0]))).data).toEqual([true, false]);
    expect(toJsonView(ndarray('complex128', [1], Float64Array.from([1]), 'C', Float64Array.from([-2]))).data).toEqual([[1, -2]]);
    expect(toJsonView(ndarray('datetime64[D]', [2], BigInt64Array.from([19737n, -(2n ** 63n)]))))
      .toEqual({ type: 'array', dtype: 'datetime64[D]', shape: [2], order: 'C', data: [19737, null] });
    expect(toJsonView(charRow('hi'))).toEqual({ type: 'array', dtype: 'char', shape: [1, 2], order: 'C', data: [104, 105], text: 'hi' });
  });

  it('Python scalars and containers', () => {
    const v = dict([
      [str('a'), list([none(), bool(true), complex(1, 2), bytes(Uint8Array.from([0, 255]))])],
      [tuple([int(1)]), set([decimal('1.50')])],
      [uuid('12345678-1234-5678-1234-567812345678'), list([date(2024, 1, 5), time(3, 4, 5), time(3, 4, 5, 6), datetime(1, 2, 3, 4, 5, 6, 7)])],
    ]);
    expect(toJsonView(v)).toEqual({
      type: 'dict',
      items: [
        [{ type: 'str', value: 'a' }, {
          type: 'list', items: [
            { type: 'none' }, { type: 'bool', value: true }, { type: 'complex', re: 1, im: 2 }, { type: 'bytes', base64: 'AP8=' },
          ],
        }],
        [{ type: 'tuple', items: [{ type: 'int', value: 1 }] }, { type: 'set', items: [{ type: 'decimal', value: '1.50' }] }],
        [{ type: 'uuid', value: '12345678-1234-5678-1234-567812345678' }, {
          type: 'list', items: [
            { type: 'date', value: '2024-01-05' }, { type: 'time', value: '03:04:05' }, { type: 'time', value: '03:04:05.000006' },
            { type: 'datetime', value: '0001-02-03T04:05:06.000007' },
          ],
        }],
      ],
    });
  });

  it('MATLAB structs and cells, record and object arrays, in C order', () => {
    const s = struct([2, 1], ['x', 'y'], [[int(1), int(2)], [int(3), int(4)]]);
    expect(toJsonView(s)).toEqual({
      type: 'struct', shape: [2, 1], order: 'C', fields: ['x', 'y'],
      elements: [[{ type: 'int', value: 1 }, { type: 'int', value: 2 }], [{ type: 'int', value: 3 }, { type: 'int', value: 4 }]],
    });
    const c = cell([2, 2], [int(1), int(3), int(2), int(4)], 'F');
    expect((toJsonView(c).items as { value: number }[]).map((x) => x.value)).toEqual([1, 2, 3, 4]);
    const o = objectArray([2], [str('a'), str('b')]);
    expect(toJsonView(o)).toEqual({ type: 'array', dtype: 'object', shape: [2], order: 'C', items: [{ type: 'str', value: 'a' }, { type: 'str', value: 'b' }] });
    expect(toJsonView(record([{ name: 'f', value: ndarray('int8', [1], Int8Array.from([-1])) }]))).toEqual({
      type: 'record', fields: [{ name: 'f', value: { type: 'array', dtype: 'int8', shape: [1], order: 'C', data: [-1] } }],
    });
  });

  it('references external .npy files for numeric arrays when asked', () => {
    const seen: { path: (string | number)[]; npyLength: number }[] = [];
    const v = dict([[str('img'), ndarray('float64', [2], Float64Array.from([1, 2]))], [str('name'), charRow('x')]]);
    const view = toJsonView(v, {
      externalArray: (a: NumericArray, p) => {
        seen.push({ path: p, npyLength: arrayToNpy(a).length });
        return `arrays/${seen.length}.npy`;
      },
    });
    expect(view.items).toEqual([
      [{ type: 'str', value: 'img' }, { type: 'array', dtype: 'float64', shape: [2], order: 'C', npy: 'arrays/1.npy' }],
      [{ type: 'str', value: 'name' }, { type: 'array', dtype: 'char', shape: [1, 1], order: 'C', data: [120], text: 'x' }],
    ]);
    expect(seen).toEqual([{ path: [0, 'value'], npyLength: 128 + 16 }]);
  });

  it('is plain JSON (stringify/parse round trip)', () => {
    const v = list([int(2n ** 64n), float(NaN), ndarray('int64', [1], BigInt64Array.from([-(2n ** 63n)]))]);
    const j = toJsonView(v);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
