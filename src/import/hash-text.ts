/**
 * Manifests write hashes as `sha256:<hex>` (formats/schemas); src/hash computes bare hex.
 * Comparisons go through these two so either spelling on either side compares correctly.
 */
export function bareHash(h: string): string {
  return h.startsWith('sha256:') ? h.slice('sha256:'.length) : h;
}

export function manifestHash(h: string): string {
  return h.startsWith('sha256:') ? h : `sha256:${h}`;
}

export function sameHash(a: string, b: string): boolean {
  return bareHash(a) === bareHash(b);
}
