/**
 * Blob codec throughput. Run from the repository root:
 *
 *   npm run bench:blob
 *
 * MB/s are megabytes (10^6 bytes) of plain (uncompressed) blob per second; best of several runs.
 */
import {
  type BlobValue, decodeBlob, dict, encodeBlob, float, int, list, ndarray, str, tuple,
} from '../src/blob/index.js';

const MB = 1e6;

function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}

function row(what: string, bytes: number, seconds: number, target?: number): void {
  const rate = bytes / MB / seconds;
  const verdict = target === undefined ? '' : rate >= target ? `target >= ${target} MB/s: met` : `target >= ${target} MB/s: MISSED`;
  console.log(`${what.padEnd(52)} ${(bytes / MB).toFixed(1).padStart(7)} MB ${seconds.toFixed(3).padStart(8)} s ${rate.toFixed(0).padStart(7)} MB/s   ${verdict}`);
}

/** A deterministic pseudo-random generator, so every run measures the same bytes. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 2 ** 32; };
}

/** The big-array runs, in a function so their 100 MB buffers are garbage before the nested runs. */
function arrays(): void {
  // ---- 100 MB float64 array (random values: barely compressible, like real measurements)
  const n = Math.round(100 * MB / 8);
  const rnd = lcg(1);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = (rnd() - 0.5) * 1e3;
  const big = ndarray('float64', [n / 1000, 1000], values, 'F');

  const plainBig = encodeBlob(big, { compress: false });
  row('float64 100 MB: encode, no compression', plainBig.length, best(3, () => encodeBlob(big, { compress: false })));
  row('float64 100 MB: decode (plain blob)', plainBig.length, best(5, () => decodeBlob(plainBig)), 500);
  let packed: Uint8Array = new Uint8Array(0);
  const tPack = best(1, () => { packed = encodeBlob(big); });
  row(`float64 100 MB: encode as <blob> (${packed[0] === 0x5a ? 'compressed' : 'kept plain'})`, plainBig.length, tPack);
  row('float64 100 MB: decode the <blob> bytes', plainBig.length, best(3, () => decodeBlob(packed)));

  // ---- compressible 100 MB float64 (a slow ramp): exercises inflate
  const ramp = new Float64Array(n);
  for (let i = 0; i < n; i++) ramp[i] = Math.floor(i / 4096);
  const rampBlob = encodeBlob(ndarray('float64', [n], ramp));
  console.log(`  (ramp compresses ${(plainBig.length / MB).toFixed(0)} MB -> ${(rampBlob.length / MB).toFixed(1)} MB)`);
  row('float64 100 MB ramp: encode as <blob> (pako level 6)', plainBig.length, best(1, () => encodeBlob(ndarray('float64', [n], ramp))));
  row('float64 100 MB ramp: decode (inflate + copy)', plainBig.length, best(3, () => decodeBlob(rampBlob)));

}

if (process.env.BLOB_BENCH !== "nested") arrays();

// ---- deeply nested structure: records as dicts inside lists inside tuples
function nested(records: number): BlobValue {
  const r = lcg(2);
  const items: BlobValue[] = [];
  for (let i = 0; i < records; i++) {
    items.push(dict([
      [str('id'), int(i)],
      [str('name'), str(`session_${i}_${Math.floor(r() * 1e6)}`)],
      [str('score'), float(r())],
      [str('tags'), list([str('ephys'), str('mouse'), tuple([int(i % 7), float(r())])])],
      [str('position'), ndarray('float64', [3], Float64Array.from([r(), r(), r()]))],
      [str('meta'), dict([[str('depth'), int(i % 13)], [str('ok'), list([list([list([str('deep')])])])]])],
    ]));
  }
  return tuple([list(items), str('end')]);
}

/** Encode runs: the value tree is only alive inside this function, as when a caller encodes. */
function encodeNested(): { plain: Uint8Array; packed: Uint8Array } {
  const tree = nested(100_000);
  const plain = encodeBlob(tree, { compress: false });
  row('nested (100k dicts, depth 6): encode, no compression', plain.length, best(3, () => encodeBlob(tree, { compress: false })));
  let packed: Uint8Array = new Uint8Array(0);
  row('nested: encode as <blob> (compressed)', plain.length, best(1, () => { packed = encodeBlob(tree); }));
  return { plain, packed };
}

// decode runs start from bytes, as when a blob is read from a database
const { plain: plainTree, packed: packedTree } = encodeNested();
row('nested (100k dicts, depth 6): decode (plain blob)', plainTree.length, best(5, () => decodeBlob(plainTree)), 50);
row('nested: decode the <blob> bytes', plainTree.length, best(5, () => decodeBlob(packedTree)), 50);
