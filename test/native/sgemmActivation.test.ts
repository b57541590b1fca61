/**
 * Native SGEMM with an activation epilogue (sgemmActivation) against the JS reference
 * (the product, then the activation: runtime/kernels/js/linalg.ts), for every ISA this
 * CPU supports: every activation, beta 0 (NaN in C must not survive) and 1 (C holds a
 * bias), odd M, N and K around the tiles, transposed and strided A and B, the GEMV
 * path (M below MR), the threaded splits and a K past KC (the epilogue runs after the
 * last k block only). Within 1e-4 of sum_k |a||b| plus 1e-5 relative (the vector
 * exp/tanh of the activations); none of them magnifies an error by more than 1.2.
 */
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { linalgKernels } from "../../runtime/kernels/js/linalg.js";
import { EPILOGUE_ACTIVATIONS, type EpilogueActivation } from "../../runtime/kernels/linalg.js";
import { UNARY_CODES } from "../../runtime/kernels/native/elementwise.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

/** Uniform in [-2, 2), reproducible from the seed. */
function randomFrom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 4 - 2;
  };
}

/** rows x cols, row-major or transposed, with `pad` extra elements per line and an offset of 3. */
function matrix(rows: number, cols: number, transposed: boolean, pad: number, fill: () => number): StridedView {
  const lead = (transposed ? rows : cols) + pad;
  const storage = new Float32Array(3 + (transposed ? cols : rows) * lead + 2).map(fill);
  return { storage, shape: [rows, cols], strides: transposed ? [1, lead] : [lead, 1], offset: 3, dtype: "float32" };
}

function check(M: number, N: number, K: number, transposeA: boolean, transposeB: boolean, beta: number, activation: EpilogueActivation, seed: number): void {
  const random = randomFrom(seed);
  const a = matrix(M, K, transposeA, 1, random);
  const b = matrix(K, N, transposeB, 2, random);
  const c = matrix(M, N, false, 1, beta === 0 ? () => Number.NaN : random);
  const want = { ...c, storage: c.storage.slice() };
  linalgKernels.matmulActivation(a, b, want, beta, activation);
  const abs = (m: StridedView): StridedView => ({ ...m, storage: (m.storage as Float32Array).map(Math.abs) });
  const scale = { ...c, storage: new Float32Array(c.storage.length) };
  linalgKernels.matmul(abs(a), abs(b), scale, 1, 0);
  const got = c.storage.slice() as Float32Array;
  native!.binding.sgemmActivation(
    M, N, K,
    a.storage as Float32Array, a.offset, a.strides[0]!, a.strides[1]!,
    b.storage as Float32Array, b.offset, b.strides[0]!, b.strides[1]!,
    beta,
    got, c.offset, c.strides[0]!,
    UNARY_CODES[activation]!,
  );
  const inC = new Set<number>();
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const o = c.offset + i * c.strides[0]! + j;
      inC.add(o);
      const w = want.storage[o]!;
      const bound = 1.2e-4 * (scale.storage[o]! + (beta === 0 ? 0 : Math.abs(c.storage[o]!))) + 1e-5 * (1 + Math.abs(w));
      if (!(Math.abs(got[o]! - w) <= bound)) {
        throw new Error(`${activation} C[${i}, ${j}] of ${M}x${N}x${K} (beta ${beta}): native ${got[o]} vs js ${w} (bound ${bound})`);
      }
    }
  }
  for (let o = 0; o < got.length; o++) {
    if (!inC.has(o) && !Object.is(got[o], c.storage[o])) throw new Error(`storage[${o}] outside C changed`);
  }
}

const dim = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(5, 6, 7, 15, 16, 17, 63, 64, 65, 97));

describe.skipIf(!native)(suiteName("native SGEMM with an activation epilogue equals the JS reference"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));

  for (const isa of isas.length > 0 ? isas : ["(no ISA: addon not built)"]) {
    describe(isa, () => {
      it("on random shapes, layouts, beta and activations", () => {
        native!.binding.setIsa(isa);
        fc.assert(
          fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom(0, 1), fc.constantFrom(...EPILOGUE_ACTIVATIONS), fc.integer(), (M, N, K, ta, tb, beta, act, seed) => {
            check(M, N, K, ta, tb, beta, act, seed);
          }),
          { numRuns: 120 },
        );
      });

      it("for every activation: K = 0, GEMV rows, threaded products and K past KC", () => {
        native!.binding.setIsa(isa);
        const cases: [number, number, number][] = [[3, 5, 0], [1, 70, 33], [2, 300, 130], [130, 131, 129], [7, 65, 600], [33, 9, 100]];
        for (const activation of EPILOGUE_ACTIVATIONS) {
          for (const [M, N, K] of cases) {
            check(M, N, K, false, true, 1, activation, M + N + K);
            check(M, N, K, true, false, 0, activation, M * N + K);
          }
        }
      });
    });
  }
});
