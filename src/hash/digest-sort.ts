/**
 * Sort 32-byte digests bytewise, in place.
 *
 * Most significant byte first, one byte per level: an in-place radix pass (American flag sort,
 * 256 buckets) on byte d of a run, then each bucket on byte d + 1, until a bucket holds at most
 * INSERTION_UP_TO records, which insertion sort finishes. SHA-256 outputs are uniform, so two
 * levels leave buckets of a handful of records for a million digests. 256 buckets keep the
 * pass's write positions in cache; 65,536 buckets in one pass were ~2x slower. In place because
 * a run can be tens of MiB. Equal digests (duplicate rows) only cost one counting pass per byte,
 * and insertion sort does not move equal records, so no input makes this quadratic.
 */
const REC = 32;
const WORDS = REC / 4;
/** Runs up to this many records are sorted by insertion. */
const INSERTION_UP_TO = 32;

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

/** Per byte position: bucket sizes, next write position, bucket ends (made on first use). */
let tables: { count: Uint32Array; next: Uint32Array; end: Uint32Array }[] | null = null;

/** Sorts records [lo, hi), which agree on their first `d` bytes. */
function radixSort(b: Uint8Array, w: Uint32Array, lo: number, hi: number, d: number): void {
  if (hi - lo <= INSERTION_UP_TO || d === REC) {
    if (hi - lo > 1) insertionSort(b, w, lo, hi, d);
    return;
  }
  tables ??= Array.from({ length: REC }, () => ({ count: new Uint32Array(256), next: new Uint32Array(256), end: new Uint32Array(256) }));
  const { count, next, end } = tables[d];
  count.fill(0);
  for (let i = lo; i < hi; i++) count[b[i * REC + d]]++;
  let sum = lo;
  for (let k = 0; k < 256; k++) {
    next[k] = sum;
    sum += count[k];
    end[k] = sum;
  }
  for (let k = 0; k < 256; k++) {
    while (next[k] < end[k]) {
      const i = next[k];
      const key = b[i * REC + d];
      if (key === k) next[k]++;
      else swap(w, i, next[key]++);
    }
  }
  // end[] is read before each recursion, which reuses only the tables of deeper bytes.
  let start = lo;
  for (let k = 0; k < 256; k++) {
    const stop = end[k];
    if (stop - start > 1) radixSort(b, w, start, stop, d + 1);
    start = stop;
  }
}

/** Sorts the first `count` 32-byte records of `buf` ascending, bytewise. */
export function sortDigests(buf: Uint8Array, count: number): void {
  if (count < 2) return;
  if (buf.byteOffset % 4 !== 0) throw new Error('sortDigests needs a 4-byte aligned buffer');
  radixSort(buf, new Uint32Array(buf.buffer, buf.byteOffset, count * WORDS), 0, count, 0);
}

/** Bytewise comparison of two 32-byte records in (possibly) different buffers. */
export function compareDigests(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let k = 0; k < REC; k++) {
    const d = a[ao + k] - b[bo + k];
    if (d !== 0) return d;
  }
  return 0;
}
