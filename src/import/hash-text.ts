/**
 * Manifests write hashes as plain lower-case hex (formats/schemas), as src/hash computes them.
 * An early draft of the format wrote `sha256:<hex>`; comparisons accept both spellings so an
 * early snapshot still compares correctly, and results are always given in the current one.
 */
export function bareHash(h: string): string {
  return h.startsWith('sha256:') ? h.slice('sha256:'.length) : h;
}

/** A hash as the manifests spell it. */
export function manifestHash(h: string): string {
  return bareHash(h);
}

export function sameHash(a: string, b: string): boolean {
  return bareHash(a) === bareHash(b);
}
