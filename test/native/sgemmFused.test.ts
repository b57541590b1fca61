/**
 * Native SGEMM with a bias and activation epilogue (sgemmFused) against the JS reference
 * (the product, the bias row, then the activation: runtime/kernels/js/linalg.ts), for
 * every ISA this CPU supports: every activation and none, with and without a bias,
 * beta 0 (NaN in C must not survive) and 1 (C holds a bias already), odd M, N and K
 * around the tiles, transposed and strided A and B, C with a column stride (no
 * activation), the GEMV paths (M below MR, B's rows or columns contiguous), the
 * threaded splits and a K past KC (the bias goes in with the first k block, the
 * activation after the last), and M's last rows in a tile of their own (64 rows: ten
 * tiles of 6 and one of 4; 62: one of 2). Within 1e-4 of sum_k |a||b| + |bias| plus 1e-5 relative
 * (the vector exp/tanh of the activations); none of them magnifies an error by more
 * than 1.2.
 */
import fc from "fast-check";
import { afterAll, describe, it } from "vitest";
import { linalgKernels } from "../../runtime/kernels/js/linalg.js";
import { EPILOGUE_ACTIVATIONS, type EpilogueActivation } from "../../runtime/kernels/linalg.js";
import { UNARY_CODES } from "../../runtime/kernels/native/elementwise.js";
import { callSgemmFused } from "../../runtime/kernels/native/gemm.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { randomFrom } from "./randomArray.js";

/** rows x cols, row-major or transposed, with `pad` extra elements per line and an offset of 3. */
function matrix(rows: number, cols: number, transposed: boolean, pad: number, fill: () => number): StridedView {
  const lead = (transposed ? rows : cols) + pad;
  const storage = new Float32Array(3 + (transposed ? cols : rows) * lead + 2).map(fill);
  return { storage, shape: [rows, cols], strides: transposed ? [1, lead] : [lead, 1], offset: 3, dtype: "float32" };
}

interface Case {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly beta: number;
  readonly withBias: boolean;
  readonly activation: EpilogueActivation | null;
  /** C's column stride (1, or 2 without an activation). */
  readonly cColStride: number;
  readonly seed: number;
}

function check({ M, N, K, transposeA, transposeB, beta, withBias, activation, cColStride, seed }: Case): void {
  const random = randomFrom(seed, 2);
  const a = matrix(M, K, transposeA, 1, random);
  const b = matrix(K, N, transposeB, 2, random);
  const lead = N * cColStride + 1;
  const cStorage = new Float32Array(3 + M * lead + 2).map(beta === 0 ? () => Number.NaN : random);
  const c: StridedView = { storage: cStorage, shape: [M, N], strides: [lead, cColStride], offset: 3, dtype: "float32" };
  const bias: StridedView | null = withBias ? { storage: new Float32Array(N + 2).map(random), shape: [N], strides: [1], offset: 2, dtype: "float32" } : null;
  const want = { ...c, storage: c.storage.slice() };
  linalgKernels.matmulFused(a, b, want, beta, bias, activation);
  const abs = (m: StridedView): StridedView => ({ ...m, storage: (m.storage as Float32Array).map(Math.abs) });
  const scale = { ...c, storage: new Float32Array(c.storage.length) };
  linalgKernels.matmulFused(abs(a), abs(b), scale, 0, bias && abs(bias), null);
  const got = c.storage.slice() as Float32Array;
  callSgemmFused(native!.binding, {
    M, N, K,
    a: { data: a.storage, offset: a.offset, rowStride: a.strides[0]!, colStride: a.strides[1]! },
    b: { data: b.storage, offset: b.offset, rowStride: b.strides[0]!, colStride: b.strides[1]! },
    beta,
    c: { data: got, offset: c.offset, rowStride: lead, colStride: cColStride },
    bias: bias ? (bias.storage as Float32Array) : null,
    biasOffset: bias ? bias.offset : 0,
    activation: activation ? UNARY_CODES[activation]! : -1,
    packed: null,
  });
  const inC = new Set<number>();
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const o = c.offset + i * lead + j * cColStride;
      inC.add(o);
      const w = want.storage[o]!;
      const bound = 1.2e-4 * (scale.storage[o]! + (beta === 0 ? 0 : Math.abs(c.storage[o]!))) + 1e-5 * (1 + Math.abs(w));
      if (!(Math.abs(got[o]! - w) <= bound)) {
        throw new Error(`${activation ?? "no activation"}${bias ? " + bias" : ""} C[${i}, ${j}] of ${M}x${N}x${K} (beta ${beta}): native ${got[o]} vs js ${w} (bound ${bound})`);
      }
    }
  }
  for (let o = 0; o < got.length; o++) {
    if (!inC.has(o) && !Object.is(got[o], c.storage[o])) throw new Error(`storage[${o}] outside C changed`);
  }
}

const dim = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(5, 6, 7, 15, 16, 17, 63, 64, 65, 97));

const activation = fc.constantFrom(null, ...EPILOGUE_ACTIVATIONS);

describe.skipIf(!native)(suiteName("native SGEMM with a bias and activation epilogue equals the JS reference"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));

  for (const isa of isas.length > 0 ? isas : ["(no ISA: addon not built)"]) {
    describe(isa, () => {
      it("on random shapes, layouts, beta, biases and activations", () => {
        native!.binding.setIsa(isa);
        fc.assert(
          fc.property(
            fc.record({
              M: dim, N: dim, K: dim, transposeA: fc.boolean(), transposeB: fc.boolean(), beta: fc.constantFrom(0, 1),
              withBias: fc.boolean(), activation, cColStride: fc.constantFrom(1, 2), seed: fc.integer(),
            }),
            (c) => check({ ...c, cColStride: c.activation ? 1 : c.cColStride }),
          ),
          { numRuns: 150 },
        );
      });

      it("for every activation, with and without a bias: K = 0, GEMV rows, threaded products, K past KC and the short last tiles of 64 and 62 rows", () => {
        native!.binding.setIsa(isa);
        const cases: [number, number, number][] = [
          [3, 5, 0], [1, 70, 33], [2, 300, 130], [130, 131, 129], [7, 65, 600], [33, 9, 100], [64, 129, 40], [62, 65, 520],
        ];
        for (const act of [null, ...EPILOGUE_ACTIVATIONS]) {
          for (const [M, N, K] of cases) {
            for (const withBias of [false, true]) {
              const base = { M, N, K, withBias, activation: act, cColStride: 1 };
              check({ ...base, transposeA: false, transposeB: true, beta: 1, seed: M + N + K });
              check({ ...base, transposeA: true, transposeB: false, beta: 0, seed: M * N + K });
            }
          }
        }
      });
    });
  }
});
