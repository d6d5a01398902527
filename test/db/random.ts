/** Reproducible random test values (mulberry32), so a failure can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Finite doubles from uniformly random bit patterns: every exponent, subnormals included. */
export function randomDoubles(count: number, seed: number): number[] {
  const next = prng(seed);
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  while (out.length < count) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const x = view.getFloat64(0);
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}

/** Doubles with a "measurement-like" magnitude (1e-3 .. 1e6, 17 significant digits). */
export function randomPlainDoubles(count: number, seed: number): number[] {
  const next = prng(seed);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const mantissa = (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53;
    out.push(mantissa * 10 ** ((next() % 10) - 3) * (next() & 1 ? -1 : 1));
  }
  return out;
}

/** Finite float32 values (as exact doubles) from random 32-bit patterns. */
export function randomFloat32s(count: number, seed: number): number[] {
  const next = prng(seed);
  const view = new DataView(new ArrayBuffer(4));
  const out: number[] = [];
  while (out.length < count) {
    view.setUint32(0, next());
    const x = view.getFloat32(0);
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}
