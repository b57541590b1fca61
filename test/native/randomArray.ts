/** Reproducible test data for the native kernels: `n` floats in [-1, 1) from `seed` (xorshift32). */
export function randomArray(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return new Float32Array(n).map(() => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  });
}
