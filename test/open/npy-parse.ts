/**
 * A `.npy` reader written from NumPy's format description (numpy.lib.format), independent of
 * src/blob/npy.ts: magic, version, little-endian header length, the header dict, and the data.
 */
export interface ParsedNpy {
  version: number;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the data: NumPy aligns it to 64 bytes. */
  dataOffset: number;
  /** A copy of the data bytes (own, aligned buffer). */
  data: Uint8Array;
}

export function parseNpy(file: Uint8Array): ParsedNpy {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => file[i] === b)) throw new Error('not a .npy file (magic)');
  const version = file[6];
  if (file[7] !== 0 || (version !== 1 && version !== 2)) throw new Error(`unexpected .npy version ${version}.${file[7]}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = version === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = version === 1 ? 10 : 12;
  const header = Buffer.from(file.subarray(start, start + headerLength)).toString('latin1');
  if (!header.endsWith('\n')) throw new Error('.npy header does not end with a newline');
  const m = /^\{'descr': '([^']+)', 'fortran_order': (True|False), 'shape': \(([^)]*)\), \} *\n$/.exec(header);
  if (!m) throw new Error(`unexpected .npy header ${JSON.stringify(header)}`);
  const shape = m[3].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const dataOffset = start + headerLength;
  return { version, descr: m[1], fortranOrder: m[2] === 'True', shape, dataOffset, data: Uint8Array.prototype.slice.call(file, dataOffset) };
}

/** NumPy's `dtype.str` per dtype of the value model (formats/blob.md §8). */
export const NPY_DESCR: Record<string, string> = {
  bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4',
  int64: '<i8', uint64: '<u8', float32: '<f4', float64: '<f8', complex64: '<c8', complex128: '<c16',
};

export function npyDescrOf(dtype: string): string {
  const m = /^datetime64\[(\w+)\]$/.exec(dtype);
  return m ? `<M8[${m[1]}]` : NPY_DESCR[dtype];
}
