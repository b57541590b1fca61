/**
 * The native GEMV paths (M below the register tile: a batch-1 linear layer; or a
 * transposed weight narrower than half a tile, at any M) against the JS reference, for
 * every ISA this CPU supports, on 1 and 2 threads: M 1-8, K and N odd and around the
 * dot kernel's blocks (4 / 8 / 16 columns of B at a time, 1 / 2 / 4 rows of A) and
 * vector width, plus products past the size at which the columns (or, for a narrow
 * weight, the rows) split over the pool;
 * B transposed (a linear weight, the dot-product kernel) or row-major (the row kernel),
 * beta 0 and 1, with and without a bias; the same floats with B at every offset from a
 * vector boundary and when the product runs again on the same B (each GEMV call passes
 * over B in the opposite direction from the last). Within 1e-4 of sum_k |a||b| + |bias|;
 * NaN around every operand, so a read out of bounds shows.
 */
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { linalgKernels } from "../../runtime/kernels/js/linalg.js";
import { callSgemmFused } from "../../runtime/kernels/native/gemm.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { randomFrom } from "./randomArray.js";

/** The elements from `fill` at `offset` on, whatever the offset; NaN around them (a read out of bounds shows). */
function matrix(rows: number, cols: number, transposed: boolean, fill: () => number, offset = 1): StridedView {
  const storage = new Float32Array(offset + rows * cols + 1).fill(Number.NaN);
  for (let i = 0; i < rows * cols; i++) storage[offset + i] = fill();
  return { storage, shape: [rows, cols], strides: transposed ? [1, rows] : [cols, 1], offset, dtype: "float32" };
}

interface GemvCase {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly weightLayout: boolean;
  readonly beta: number;
  readonly withBias: boolean;
  readonly seed: number;
  /** Where B starts in its storage (1 unless set): its alignment. */
  readonly bOffset?: number;
  /** How many times the product runs on the same B (1 unless set); every run must give the same floats. */
  readonly runs?: number;
}

/** The product's C storage, after checking it against the JS reference. */
function check({ M, K, N, weightLayout, beta, withBias, seed, bOffset = 1, runs = 1 }: GemvCase): Float32Array {
  const random = randomFrom(seed);
  const a = matrix(M, K, false, random);
  const b = matrix(K, N, weightLayout, random, bOffset);
  const c = matrix(M, N, false, beta === 0 ? () => Number.NaN : random);
  const bias: StridedView | null = withBias ? { storage: new Float32Array(N).map(random), shape: [N], strides: [1], offset: 0, dtype: "float32" } : null;
  const want = { ...c, storage: c.storage.slice() };
  linalgKernels.matmulFused(a, b, want, beta, bias, null);
  const abs = (m: StridedView): StridedView => ({ ...m, storage: (m.storage as Float32Array).map(Math.abs) });
  const scale = { ...c, storage: new Float32Array(c.storage.length) };
  linalgKernels.matmulFused(abs(a), abs(b), scale, 0, bias && abs(bias), null);
  const product = (): Float32Array => {
    const out = c.storage.slice() as Float32Array;
    callSgemmFused(native!.binding, {
      M, N, K,
      a: { data: a.storage, offset: a.offset, rowStride: a.strides[0]!, colStride: a.strides[1]! },
      b: { data: b.storage, offset: b.offset, rowStride: b.strides[0]!, colStride: b.strides[1]! },
      beta,
      c: { data: out, offset: c.offset, rowStride: N, colStride: 1 },
      bias: bias ? (bias.storage as Float32Array) : null,
      biasOffset: 0,
      activation: -1,
      packed: null,
    });
    return out;
  };
  const got = product();
  for (let run = 1; run < runs; run++) {
    const again = product();
    const o = again.findIndex((v, i) => !Object.is(v, got[i]));
    if (o >= 0) throw new Error(`storage[${o}] of ${M}x${K}x${N} (${weightLayout ? "transposed weight" : "row-major B"}): run ${run + 1} gave ${again[o]}, run 1 ${got[o]}`);
  }
  for (let o = 0; o < got.length; o++) {
    const inC = o >= c.offset && o < c.offset + M * N;
    const bound = inC ? 1e-4 * (scale.storage[o]! + (beta === 0 ? 0 : Math.abs(c.storage[o]!))) + 1e-30 : 0;
    if (!(Object.is(got[o], want.storage[o]) || Math.abs(got[o]! - want.storage[o]!) <= bound)) {
      throw new Error(`storage[${o}] of ${M}x${K}x${N} (${weightLayout ? "transposed weight" : "row-major B"}, beta ${beta}${withBias ? ", bias" : ""}): native ${got[o]} vs js ${want.storage[o]} (bound ${bound})`);
    }
  }
  return got;
}

const odd = fc.oneof(fc.integer({ min: 1, max: 80 }), fc.constantFrom(3, 7, 15, 17, 31, 33, 47, 63, 65, 127, 129));
const gemvCase = fc.record({
  M: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 40 })),
  K: odd,
  N: odd,
  weightLayout: fc.boolean(),
  beta: fc.constantFrom(0, 1),
  withBias: fc.boolean(),
  seed: fc.integer(),
});

describe.skipIf(!native)(suiteName("native GEMV paths equal the JS reference"), () => {
  afterAll(() => {
    native?.binding.setIsa(isas[0]!);
    native?.binding.setNumThreads(native.binding.info().poolThreads);
  });

  for (const isa of isas.length > 0 ? isas : ["(no ISA: addon not built)"]) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): generated M 1-8, odd K and N, both B layouts, beta, bias`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        fc.assert(fc.property(gemvCase, (c) => void check(c)), { numRuns: 150 });
        // Past 64K multiply-adds the columns split over the pool (1x257x255: 65535 does not).
        // A transposed weight narrower than half a tile takes the dot kernel at any M (rows shared over the pool).
        // Row-major B wider than one chunk of sums (1024 columns).
        for (const [M, K, N] of [[1, 257, 255], [1, 256, 256], [1, 785, 513], [3, 301, 999], [5, 1023, 77], [64, 512, 10], [37, 100, 31], [130, 33, 5], [9, 700, 1], [1, 33, 2100], [2, 17, 1040]] as const) {
          for (const weightLayout of [true, false]) check({ M, K, N, weightLayout, beta: 0, withBias: true, seed: M + K + N });
        }
      });

      it(`${isa}, ${threads} thread(s): the same floats with B at every alignment, and on each run on the same B (passes in alternating directions)`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        // K (transposed) or N (row-major) a multiple of the vector width: every column or row
        // of B starts at the same place in a vector (the row kernel aligns its loads then).
        for (const [M, K, N] of [[1, 64, 48], [1, 48, 64], [3, 160, 37], [1, 16, 1], [2, 784, 130], [1, 96, 1056], [1, 8, 24], [1, 20, 37]] as const) {
          for (const weightLayout of [true, false]) {
            const first = check({ M, K, N, weightLayout, beta: 1, withBias: true, seed: K + N, bOffset: 0, runs: 3 });
            for (let bOffset = 1; bOffset <= 16; bOffset++) {
              const got = check({ M, K, N, weightLayout, beta: 1, withBias: true, seed: K + N, bOffset, runs: 3 });
              const o = got.findIndex((v, i) => !Object.is(v, first[i]));
              if (o >= 0) throw new Error(`${M}x${K}x${N} (${weightLayout ? "transposed weight" : "row-major B"}) with B at offset ${bOffset}: storage[${o}] ${got[o]}, at offset 0 ${first[o]}`);
            }
          }
        }
        // Past the split threshold, and a row-major B of several chunks.
        for (const [M, K, N] of [[1, 785, 513], [4, 300, 2100]] as const) {
          for (const weightLayout of [true, false]) check({ M, K, N, weightLayout, beta: 0, withBias: true, seed: 3, runs: 4 });
        }
      });
    }
  }
});
