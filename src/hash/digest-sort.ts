/**
 * Sort 32-byte digests bytewise, in place.
 *
 * SHA-256 outputs are uniform, so an in-place radix pass on the first two bytes (American flag
 * sort, 65,536 buckets) leaves buckets of a handful of records, finished by insertion sort.
 * In place because a run can be tens of MiB and an out-of-place pass would double that.
 * Equal digests (duplicate rows) are the one way to get big buckets; buckets above a small
 * size are sorted through an index array instead, so no input makes this quadratic.
 */
const REC = 32;
const WORDS = REC / 4;
/** Runs up to this many records are sorted by insertion. */
const INSERTION_UP_TO = 32;
/** Up to this many records in all, no radix pass: faster below ~1,500 (measured on random digests). */
const DIRECT_UP_TO = 1024;

function compareAt(b: Uint8Array, i: number, j: number, from: number): number {
  const oi = i * REC;
  const oj = j * REC;
  for (let k = from; k < REC; k++) {
    const d = b[oi + k] - b[oj + k];
    if (d !== 0) return d;
  }
  return 0;
}

function swap(w: Uint32Array, i: number, j: number): void {
  const a = i * WORDS;
  const b = j * WORDS;
  for (let k = 0; k < WORDS; k++) {
    const t = w[a + k];
    w[a + k] = w[b + k];
    w[b + k] = t;
  }
}

/** Sorts records [lo, hi), which agree on their first `from` bytes. */
function insertionSort(b: Uint8Array, w: Uint32Array, lo: number, hi: number, from: number): void {
  for (let i = lo + 1; i < hi; i++) {
    for (let j = i; j > lo && compareAt(b, j - 1, j, from) > 0; j--) swap(w, j - 1, j);
  }
}

/** As insertionSort, in O(n log n): through an array of indexes and one copy of the records. */
function indexSort(b: Uint8Array, lo: number, hi: number, from: number): void {
  const idx = Array.from({ length: hi - lo }, (_, k) => lo + k);
  idx.sort((x, y) => compareAt(b, x, y, from) || x - y);
  const copy = b.slice(lo * REC, hi * REC);
  idx.forEach((src, k) => b.set(copy.subarray((src - lo) * REC, (src - lo + 1) * REC), (lo + k) * REC));
}

/** Sorts the first `count` 32-byte records of `buf` ascending, bytewise. */
export function sortDigests(buf: Uint8Array, count: number): void {
  if (count < 2) return;
  if (buf.byteOffset % 4 !== 0) throw new Error('sortDigests needs a 4-byte aligned buffer');
  const w = new Uint32Array(buf.buffer, buf.byteOffset, count * WORDS);
  // Most tables of a pipeline are small: for them the radix pass's 768 KiB of bucket tables
  // cost more than sorting outright (a table of 2 rows paid ~0.3 ms).
  if (count <= DIRECT_UP_TO) {
    if (count <= INSERTION_UP_TO) insertionSort(buf, w, 0, count, 0);
    else indexSort(buf, 0, count, 0);
    return;
  }
  const counts = new Uint32Array(65536);
  for (let i = 0; i < count; i++) counts[(buf[i * REC] << 8) | buf[i * REC + 1]]++;
  const next = new Uint32Array(65536);
  const end = new Uint32Array(65536);
  let sum = 0;
  for (let k = 0; k < 65536; k++) {
    next[k] = sum;
    sum += counts[k];
    end[k] = sum;
  }
  for (let k = 0; k < 65536; k++) {
    while (next[k] < end[k]) {
      const i = next[k];
      const key = (buf[i * REC] << 8) | buf[i * REC + 1];
      if (key === k) {
        next[k]++;
      } else {
        swap(w, i, next[key]);
        next[key]++;
      }
    }
  }
  let lo = 0;
  for (let k = 0; k < 65536; k++) {
    const hi = end[k];
    if (hi - lo > INSERTION_UP_TO) indexSort(buf, lo, hi, 2);
    else if (hi - lo > 1) insertionSort(buf, w, lo, hi, 2);
    lo = hi;
  }
}

/** Bytewise comparison of two 32-byte records in (possibly) different buffers. */
export function compareDigests(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let k = 0; k < REC; k++) {
    const d = a[ao + k] - b[bo + k];
    if (d !== 0) return d;
  }
  return 0;
}
