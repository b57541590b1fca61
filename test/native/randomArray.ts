/** Reproducible test data for the native kernels (xorshift32). */

/** Floats uniform in [-scale, scale), one per call, reproducible from the seed. */
export function randomFrom(seed: number, scale = 1): () => number {
  let s = seed >>> 0 || 1;
  return (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 * scale - scale;
  };
}

/** `n` floats in [-1, 1) from `seed`. */
export function randomArray(n: number, seed: number): Float32Array {
  return new Float32Array(n).map(randomFrom(seed));
}
