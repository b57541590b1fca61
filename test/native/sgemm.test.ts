/**
 * Native SGEMM against the JS reference (runtime/kernels/js/gemm.ts), for every ISA
 * this CPU supports (switched in-process with the binding's setIsa): random M, N, K
 * from 1 to 70 plus the tile and blocking edges (MR = 4/6, NR = 8/16/64, KC, MC, NC),
 * transposed and strided operands, strided and transposed C, alpha and beta, the
 * threaded splits, and the batched entry (batch strides forward, backward and 0 =
 * broadcast). Within 1e-4 of sum_k |a||b| (the scale float32 rounding error grows
 * with), and exact where that scale is 0.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { sgemm as jsSgemm, type MatrixRef } from "../../runtime/kernels/js/gemm.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { randomFrom } from "./randomArray.js";

interface Layout {
  readonly transposed: boolean;
  /** Extra elements between rows (or columns, when transposed) and before the matrix. */
  readonly pad: number;
  readonly offset: number;
}

/** A rows x cols matrix laid out as asked, its storage filled by `fill`. */
function matrix(rows: number, cols: number, layout: Layout, fill: (i: number) => number): MatrixRef {
  const lead = (layout.transposed ? rows : cols) + layout.pad;
  const outer = layout.transposed ? cols : rows;
  const data = new Float32Array(layout.offset + outer * lead + 3);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  return layout.transposed
    ? { data, offset: layout.offset, rowStride: 1, colStride: lead }
    : { data, offset: layout.offset, rowStride: lead, colStride: 1 };
}

function copyOf(m: MatrixRef): MatrixRef {
  return { ...m, data: (m.data as Float32Array).slice() };
}

function absOf(m: MatrixRef): MatrixRef {
  return { ...m, data: (m.data as Float32Array).map(Math.abs) };
}

function nativeSgemm(M: number, N: number, K: number, alpha: number, a: MatrixRef, b: MatrixRef, beta: number, c: MatrixRef): void {
  native!.binding.sgemm(M, N, K, alpha, a.data as Float32Array, a.offset, a.rowStride, a.colStride, b.data as Float32Array, b.offset, b.rowStride, b.colStride, beta, c.data as Float32Array, c.offset, c.rowStride, c.colStride);
}

const layout = fc.record({ transposed: fc.boolean(), pad: fc.integer({ min: 0, max: 3 }), offset: fc.integer({ min: 0, max: 5 }) });
const dim = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 96, 97, 128, 129));

/** Checks one product; returns nothing, throws on a mismatch. */
function check(M: number, N: number, K: number, alpha: number, beta: number, la: Layout, lb: Layout, lc: Layout, seed: number): void {
  const random = randomFrom(seed);
  const a = matrix(M, K, la, random);
  const b = matrix(K, N, lb, random);
  // beta 0 must overwrite: NaN in C must not survive.
  const c = matrix(M, N, lc, beta === 0 ? () => Number.NaN : random);
  const want = copyOf(c);
  jsSgemm(M, N, K, alpha, a, b, beta, want);
  const got = copyOf(c);
  nativeSgemm(M, N, K, alpha, a, b, beta, got);
  // Error scale: |alpha| sum_k |a||b| + |beta c|.
  const scale = matrix(M, N, lc, () => 0);
  jsSgemm(M, N, K, Math.abs(alpha), absOf(a), absOf(b), 0, scale);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const o = c.offset + i * c.rowStride + j * c.colStride;
      const bound = 1e-4 * (scale.data[o]! + Math.abs(beta * (beta === 0 ? 0 : c.data[o]!))) + 1e-30;
      const diff = Math.abs(got.data[o]! - want.data[o]!);
      if (!(diff <= bound)) {
        throw new Error(`C[${i}, ${j}] of ${M}x${N}x${K} (alpha ${alpha}, beta ${beta}): native ${got.data[o]} vs js ${want.data[o]} (bound ${bound})`);
      }
    }
  }
  // Nothing outside C was written.
  const touched = new Set<number>();
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) touched.add(c.offset + i * c.rowStride + j * c.colStride);
  for (let o = 0; o < c.data.length; o++) {
    if (!touched.has(o)) expect(Object.is(got.data[o], c.data[o]), `storage[${o}] outside C changed`).toBe(true);
  }
}

type BatchOrder = "forward" | "backward" | "zero";
const batchOrder = fc.constantFrom<BatchOrder>("forward", "backward", "zero");

/** `batch` rows x cols matrices in one storage: entry 0's ref and the batch stride. */
function batchedMatrix(batch: number, rows: number, cols: number, layout: Layout, order: BatchOrder, fill: (i: number) => number): { ref: MatrixRef; stride: number } {
  const lead = (layout.transposed ? rows : cols) + layout.pad;
  const entry = (layout.transposed ? cols : rows) * lead + layout.pad;
  const stored = order === "zero" ? 1 : batch;
  const one = matrix(rows, cols, layout, fill);
  const data = new Float32Array(layout.offset + stored * entry + 3);
  for (let i = 0; i < data.length; i++) data[i] = fill(i);
  const stride = order === "zero" ? 0 : order === "forward" ? entry : -entry;
  const offset = layout.offset + (order === "backward" ? (batch - 1) * entry : 0);
  return { ref: { ...one, data, offset }, stride };
}

/** One sgemmBatched call against a loop of JS products, entry by entry. */
function checkBatched(batch: number, M: number, N: number, K: number, alpha: number, beta: number, [la, oa]: [Layout, BatchOrder], [lb, ob]: [Layout, BatchOrder], [lc, oc]: [Layout, BatchOrder], seed: number): void {
  const random = randomFrom(seed);
  const a = batchedMatrix(batch, M, K, la, oa, random);
  const b = batchedMatrix(batch, K, N, lb, ob, random);
  const c = batchedMatrix(batch, M, N, lc, oc, beta === 0 ? () => Number.NaN : random);
  const at = (m: { ref: MatrixRef; stride: number }, i: number, data = m.ref.data): MatrixRef => ({ ...m.ref, data, offset: m.ref.offset + i * m.stride });
  const want = (c.ref.data as Float32Array).slice();
  const scale = new Float32Array(want.length);
  for (let i = 0; i < batch; i++) {
    jsSgemm(M, N, K, alpha, at(a, i), at(b, i), beta, at(c, i, want));
    jsSgemm(M, N, K, Math.abs(alpha), { ...at(a, i), data: (a.ref.data as Float32Array).map(Math.abs) }, { ...at(b, i), data: (b.ref.data as Float32Array).map(Math.abs) }, 0, at(c, i, scale));
  }
  const got = (c.ref.data as Float32Array).slice();
  native!.binding.sgemmBatched(
    batch, M, N, K, alpha,
    a.ref.data as Float32Array, a.ref.offset, a.stride, a.ref.rowStride, a.ref.colStride,
    b.ref.data as Float32Array, b.ref.offset, b.stride, b.ref.rowStride, b.ref.colStride,
    beta,
    got, c.ref.offset, c.stride, c.ref.rowStride, c.ref.colStride,
  );
  const before = c.ref.data as Float32Array;
  for (let o = 0; o < got.length; o++) {
    const bound = 1e-4 * (scale[o]! + (beta === 0 ? 0 : Math.abs(beta * before[o]!))) + 1e-30;
    const same = Object.is(got[o], want[o]) || Math.abs(got[o]! - want[o]!) <= bound;
    if (!same) throw new Error(`storage[${o}] of a batch of ${batch} ${M}x${N}x${K} (alpha ${alpha}, beta ${beta}): native ${got[o]} vs js ${want[o]} (bound ${bound})`);
  }
}

describe.skipIf(!native)(suiteName("native SGEMM equals the JS reference"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));

  // Without the addon there is no ISA; one named placeholder keeps the skip visible.
  for (const isa of isas.length > 0 ? isas : ["(no ISA: addon not built)"]) {
    describe(isa, () => {
      it("on random shapes, layouts, alpha and beta", () => {
        native!.binding.setIsa(isa);
        fc.assert(
          fc.property(dim, dim, dim, layout, layout, layout, fc.constantFrom(1, -0.5, 2), fc.constantFrom(0, 1, 0.5), fc.integer(), (M, N, K, la, lb, lc, alpha, beta, seed) => {
            check(M, N, K, alpha, beta, la, lb, lc, seed);
          }),
          { numRuns: 150 },
        );
      });

      it("on edge and blocking sizes: K = 0, one row or column, past KC, MC and NC, threaded by rows and by columns", () => {
        native!.binding.setIsa(isa);
        const plain: Layout = { transposed: false, pad: 0, offset: 0 };
        const t: Layout = { transposed: true, pad: 1, offset: 2 };
        const cases: [number, number, number][] = [
          [3, 4, 0], [1, 1, 1], [1, 300, 257], [300, 1, 257], [2, 97, 130], [5, 129, 64], [197, 130, 300], [130, 260, 530],
          [20, 600, 300], [13, 1100, 40],
          // Around KC (512 AVX-512, 256 AVX2) and NC (512 AVX-512, 1024 AVX2).
          [7, 513, 512], [13, 511, 513], [6, 64, 256], [97, 65, 255], [12, 1025, 9],
        ];
        for (const [M, N, K] of cases) {
          for (const [la, lb] of [[plain, plain], [plain, t], [t, plain], [t, t]] as const) {
            check(M, N, K, 1, 0, la, lb, plain, M * 31 + N * 7 + K);
            check(M, N, K, 0.5, 1, la, lb, t, M + N + K);
          }
        }
        // alpha 0 only scales C by beta.
        check(5, 6, 7, 0, 0.5, plain, plain, plain, 9);
      });

      it("batched: random batch strides (forward, backward, 0 = broadcast), shapes, layouts, alpha and beta", () => {
        native!.binding.setIsa(isa);
        fc.assert(
          fc.property(
            fc.integer({ min: 1, max: 5 }), dim, dim, dim, layout, layout, layout, batchOrder, batchOrder, fc.constantFrom<BatchOrder>("forward", "backward"),
            fc.constantFrom(1, -0.5), fc.constantFrom(0, 1, 0.5), fc.integer(),
            (batch, M, N, K, la, lb, lc, oa, ob, oc, alpha, beta, seed) => {
              checkBatched(batch, M, N, K, alpha, beta, [la, oa], [lb, ob], [lc, oc], seed);
            },
          ),
          { numRuns: 60 },
        );
      });

      it("batched: small entries shared out over threads, large entries threaded one by one", () => {
        native!.binding.setIsa(isa);
        const plain: Layout = { transposed: false, pad: 0, offset: 0 };
        const t: Layout = { transposed: true, pad: 1, offset: 2 };
        checkBatched(10, 64, 70, 64, 1, 0, [plain, "forward"], [t, "zero"], [plain, "backward"], 1);
        checkBatched(9, 33, 65, 97, 0.5, 1, [t, "backward"], [plain, "forward"], [plain, "forward"], 2);
        checkBatched(2, 200, 210, 220, 1, 0.5, [plain, "forward"], [plain, "forward"], [t, "forward"], 3);
      });

      it("batched: entries sharing one C accumulate in order", () => {
        native!.binding.setIsa(isa);
        // C batch stride 0: C = A0 B0 + A1 B1 + A2 B2 (+ C), exactly, in small integers.
        const batch = 3, M = 70, N = 40, K = 30;
        const a = Float32Array.from({ length: batch * M * K }, (_, i) => (i % 7) - 3);
        const b = Float32Array.from({ length: batch * K * N }, (_, i) => (i % 5) - 2);
        const c = Float32Array.from({ length: M * N }, (_, i) => i % 3);
        const want = c.slice();
        for (let e = 0; e < batch; e++) {
          jsSgemm(M, N, K, 1, { data: a, offset: e * M * K, rowStride: K, colStride: 1 }, { data: b, offset: e * K * N, rowStride: N, colStride: 1 }, 1, { data: want, offset: 0, rowStride: N, colStride: 1 });
        }
        native!.binding.sgemmBatched(batch, M, N, K, 1, a, 0, M * K, K, 1, b, 0, K * N, N, 1, 1, c, 0, 0, N, 1);
        expect(Array.from(c)).toEqual(Array.from(want));
      });
    });
  }
});
