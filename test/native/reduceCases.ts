/**
 * Generated inputs for the native reduction and normalization tests: float32 views of
 * rank 1-5 that are contiguous, permuted or stepped (non-contiguous), at an offset, with
 * values that may include NaN, +-inf and large magnitudes; and the comparison with tolerance.
 */
import fc from "fast-check";
import type { StridedView } from "../../runtime/tensor/Tensor.js";

export interface ViewCase {
  readonly shape: number[];
  readonly perm: number[];
  readonly steps: number[];
  readonly offset: number;
  readonly seed: number;
  readonly scale: number;
  readonly special: boolean;
}

const SPECIAL = [Number.NaN, Infinity, -Infinity, 1e30, -1e30, 0, -0];

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; s *= shape[d]!, d--) strides[d] = s;
  return strides;
}

/** Shapes whose element count mostly clears the native size floor. */
export const shapeArb = fc.integer({ min: 1, max: 5 }).chain((rank) => {
  const max = [0, 400, 40, 12, 8, 6][rank]!;
  return fc.array(fc.integer({ min: 1, max }), { minLength: rank, maxLength: rank });
});

export const viewCaseArb: fc.Arbitrary<ViewCase> = shapeArb.chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    perm: fc.shuffledSubarray(shape.map((_, d) => d), { minLength: shape.length, maxLength: shape.length }),
    steps: fc.array(fc.constantFrom(1, 1, 1, 2), { minLength: shape.length, maxLength: shape.length }),
    offset: fc.integer({ min: 0, max: 3 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    scale: fc.constantFrom(1, 1, 100, 1e6, 1e-3),
    special: fc.boolean(),
  }),
);

/** A random subset of 0..rank-1, sorted. */
export const dimsArb = (rank: number): fc.Arbitrary<number[]> =>
  fc.subarray(Array.from({ length: rank }, (_, d) => d)).map((dims) => [...dims].sort((a, b) => a - b));

export function fill(out: Float32Array, seed: number, scale: number, special: boolean): void {
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out[i] = special && s % 37 === 5 ? SPECIAL[s % SPECIAL.length]! : (s / 2 ** 31 - 0.3) * scale;
  }
}

/** The case's input: its shape laid out in the permuted order of a larger buffer, every `steps[d]`-th element. */
export function makeView(c: ViewCase): StridedView & { storage: Float32Array } {
  const allocShape = c.perm.map((d) => c.shape[d]! * c.steps[d]!);
  const allocStrides = contiguousStrides(allocShape);
  const strides = c.shape.map((_, d) => allocStrides[c.perm.indexOf(d)]! * c.steps[d]!);
  const storage = new Float32Array(c.offset + allocShape.reduce((a, b) => a * b, 1));
  fill(storage, c.seed, c.scale, c.special);
  return { storage, shape: [...c.shape], strides, offset: c.offset, dtype: "float32" };
}

export function denseView(shape: readonly number[], storage: Float32Array | Float64Array = new Float32Array(shape.reduce((a, b) => a * b, 1)), offset = 0): StridedView {
  return { storage, shape: [...shape], strides: contiguousStrides(shape), offset, dtype: storage instanceof Float64Array ? "int64" : "float32" };
}

export function close(got: number, want: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= atol + rtol * Math.abs(want);
}

export function expectClose(label: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): void {
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length} vs ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    if (!close(got[i]!, want[i]!, rtol, atol)) throw new Error(`${label} at ${i}: native ${got[i]} vs js ${want[i]}`);
  }
}
