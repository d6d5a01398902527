/** `.npy` output (NumPy format 1.0/2.0 as numpy.save writes it) and the digest's canonical array hash. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BlobEncodeError, arrayToNpy, canonicalArrayHash, charRow, decodeBlob, ndarray, npyHeader,
} from '../../src/blob/index.js';
import { MYM, cat, f64, u32, u64 } from './bytes.js';

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const le64 = (...xs: number[]): Uint8Array => cat(...xs.map((x) => f64(x)));

describe('npy header', () => {
  it('matches numpy.save for a 1-d float64 array (format 1.0, 128-byte header)', () => {
    const h = npyHeader('<f8', [3]);
    const dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    expect(h.length).toBe(128);
    expect(latin1(h.subarray(0, 10))).toBe('\x93NUMPY\x01\x00\x76\x00');
    // 20 spaces of growth room for the first axis (21 digits - len("3")), then padding to 128, then \n
    expect(latin1(h.subarray(10))).toBe(dict + ' '.repeat(128 - 10 - dict.length - 1) + '\n');
  });

  it('writes tuples the Python way: (), (3,), (2, 3)', () => {
    expect(latin1(npyHeader('<f8', []))).toContain("'shape': (), }");
    expect(latin1(npyHeader('<i4', [2, 3]))).toContain("'shape': (2, 3), }");
    expect(latin1(npyHeader('<i4', []))).toMatch(/\}\s+\n$/);
  });

  it('aligns data to 64 bytes for any shape', () => {
    for (const shape of [[], [1], [12345678901], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) {
      const h = npyHeader('<M8[ns]', shape);
      expect(h.length % 64).toBe(0);
      expect(h[h.length - 1]).toBe(0x0a);
      expect(new DataView(h.buffer).getUint16(8, true)).toBe(h.length - 10);
    }
  });

  it('switches to format 2.0 when the header exceeds 65535 bytes', () => {
    const shape = Array.from({ length: 30000 }, () => 1); // more dims than NumPy allows, only to exercise the switch
    const h = npyHeader('<f8', shape);
    expect(h[6]).toBe(2);
    expect(new DataView(h.buffer).getUint32(8, true)).toBe(h.length - 12);
    expect(h.length % 64).toBe(0);
  });
});

describe('arrayToNpy', () => {
  it('writes F-ordered decoded data in C order', () => {
    const blob = cat(MYM, 'A', u64(2), u64(2), u64(3), u32(6), u32(0), le64(1, 4, 2, 5, 3, 6));
    const npy = arrayToNpy(decodeBlob(blob) as Parameters<typeof arrayToNpy>[0]);
    expect(latin1(npy.subarray(10, 70))).toContain("'fortran_order': False, 'shape': (2, 3)");
    expect(Buffer.from(npy.subarray(128)).equals(Buffer.from(le64(1, 2, 3, 4, 5, 6)))).toBe(true);
  });

  it('interleaves complex parts and widens integer parts to complex128', () => {
    const c = ndarray('complex64', [2], Float32Array.from([1, 2]), 'C', Float32Array.from([3, 4]));
    const npy = arrayToNpy(c);
    expect(latin1(npy)).toContain("'descr': '<c8'");
    expect(Array.from(new Float32Array(npy.slice(128).buffer))).toEqual([1, 3, 2, 4]);
    const ci = { ...ndarray('complex128', [2], new Float64Array(2)), data: Int16Array.from([1, -2]), imag: Int16Array.from([5, 6]), partDtype: 'int16' as const };
    const npyi = arrayToNpy(ci);
    expect(latin1(npyi)).toContain("'descr': '<c16'");
    expect(Array.from(new Float64Array(npyi.slice(128).buffer))).toEqual([1, 5, -2, 6]);
  });

  it('refuses char arrays', () => {
    expect(() => arrayToNpy(charRow('ab'))).toThrow(BlobEncodeError);
  });
});

describe('canonicalArrayHash (digest.py canon_array)', () => {
  it('hashes the C-order bytes with dtype.str and shape', () => {
    const a = ndarray('float64', [2, 2], Float64Array.from([1, 3, 2, 4]), 'F');
    expect(canonicalArrayHash(a)).toEqual({ dtype: '<f8', shape: [2, 2], sha256: sha(le64(1, 2, 3, 4)) });
  });
  it('uses NumPy descriptors', () => {
    expect(canonicalArrayHash(ndarray('bool', [1], Uint8Array.from([1]))).dtype).toBe('|b1');
    expect(canonicalArrayHash(ndarray('uint8', [1], Uint8Array.from([1]))).dtype).toBe('|u1');
    expect(canonicalArrayHash(ndarray('int16', [1], Int16Array.from([1]))).dtype).toBe('<i2');
    expect(canonicalArrayHash(ndarray('datetime64[us]', [1], BigInt64Array.from([1n]))).dtype).toBe('<M8[us]');
    expect(canonicalArrayHash(ndarray('complex128', [1], Float64Array.from([1]), 'C', Float64Array.from([2])))).toEqual(
      { dtype: '<c16', shape: [1], sha256: sha(le64(1, 2)) });
  });
  it('hashes a char row as the one str DataJoint makes of it (UCS-4, NULs dropped)', () => {
    const ucs4 = (s: string) => cat(...Array.from(s, (c) => u32(c.charCodeAt(0))));
    expect(canonicalArrayHash(charRow('hello'))).toEqual({ dtype: '<U5', shape: [1], sha256: sha(ucs4('hello')) });
    expect(canonicalArrayHash(charRow('a\0b'))).toEqual({ dtype: '<U2', shape: [1], sha256: sha(ucs4('ab')) });
    expect(canonicalArrayHash(charRow(''))).toEqual({ dtype: '<U1', shape: [1], sha256: sha(new Uint8Array(4)) });
  });
  it('hashes a char matrix as U1 elements in C order', () => {
    const m = ndarray('char', [2, 2], Uint16Array.from([0x61, 0x63, 0x62, 0x64]), 'F');
    expect(canonicalArrayHash(m)).toEqual({ dtype: '<U1', shape: [2, 2], sha256: sha(cat(u32(0x61), u32(0x62), u32(0x63), u32(0x64))) });
  });
  it('refuses chars DataJoint cannot decode', () => {
    expect(() => canonicalArrayHash(ndarray('char', [1, 1], Uint16Array.from([0xe9])))).toThrow(BlobEncodeError);
  });
});

// Real interoperability: NumPy itself reads our files (skipped loudly when python3+numpy are absent).
// The first python3 with numpy: the one on PATH, or the distribution's (python3-numpy installs there).
const python = [process.env.DJ_SNAPSHOT_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)
  .find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0) ?? 'python3';
const haveNumpy = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!haveNumpy) console.warn('\n!!! SKIPPING numpy interoperability checks of .npy output: python3 with numpy not found !!!\n');

describe.skipIf(!haveNumpy)('numpy reads what arrayToNpy writes, and writes the same bytes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dj-npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases = [
    { name: 'f8_2x3', a: ndarray('float64', [2, 3], Float64Array.from([1, 4, 2, 5, 3, 6]), 'F'), expr: 'np.array([[1,2,3],[4,5,6]], "<f8")' },
    { name: 'i8_big', a: ndarray('int64', [2], BigInt64Array.from([2n ** 62n, -5n])), expr: 'np.array([2**62, -5], "<i8")' },
    { name: 'u8_0d', a: ndarray('uint8', [], Uint8Array.from([7])), expr: 'np.array(7, "|u1")' },
    { name: 'b1', a: ndarray('bool', [3], Uint8Array.from([1, 0, 1])), expr: 'np.array([True, False, True])' },
    { name: 'c16_2x2', a: ndarray('complex128', [2, 2], Float64Array.from([1, 3, 2, 4]), 'F', Float64Array.from([0, 0, 1, 1])), expr: 'np.array([[1, 2+1j],[3, 4+1j]])' },
    { name: 'M8_D', a: ndarray('datetime64[D]', [1], BigInt64Array.from([19737n])), expr: 'np.array(["2024-01-15"], "M8[D]")' },
    { name: 'f4_3d', a: ndarray('float32', [2, 1, 3], Float32Array.from([1, 2, 3, 4, 5, 6]), 'C'), expr: 'np.arange(1, 7, dtype="<f4").reshape(2, 1, 3)' },
    { name: 'empty', a: ndarray('int32', [0, 4], new Int32Array(0)), expr: 'np.zeros((0, 4), "<i4")' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const file = path.join(dir, `${c.name}.npy`);
      writeFileSync(file, arrayToNpy(c.a));
      const script = [
        'import numpy as np, io, sys',
        `a = np.load(sys.argv[1]); e = ${c.expr}`,
        'assert a.dtype == e.dtype and a.shape == e.shape and (a == e).all(), (a, e)',
        'b = io.BytesIO(); np.save(b, e); assert b.getvalue() == open(sys.argv[1], "rb").read(), "bytes differ"',
        'print("ok")',
      ].join('\n');
      const r = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('ok');
    });
  }
});
