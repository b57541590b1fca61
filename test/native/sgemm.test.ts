/**
 * Native SGEMM against the JS reference (runtime/kernels/js/gemm.ts), for every ISA
 * this CPU supports (switched in-process with the binding's setIsa): random M, N, K
 * from 1 to 70 (tile edges included), transposed and strided operands, strided and
 * transposed C, alpha and beta. Within 1e-4 of sum_k |a||b| (the scale float32
 * rounding error grows with), and exact where that scale is 0.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { sgemm as jsSgemm, type MatrixRef } from "../../runtime/kernels/js/gemm.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

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
const dim = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(1, 2, 5, 6, 7, 11, 12, 13, 15, 16, 17, 31, 32, 33, 64, 65));

/** Checks one product; returns nothing, throws on a mismatch. */
function check(M: number, N: number, K: number, alpha: number, beta: number, la: Layout, lb: Layout, lc: Layout, seed: number): void {
  let s = seed >>> 0 || 1;
  const random = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 2 - 1;
  };
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

      it("on edge and blocking sizes: K = 0, one row or column, past KC and MC, threaded", () => {
        native!.binding.setIsa(isa);
        const plain: Layout = { transposed: false, pad: 0, offset: 0 };
        const t: Layout = { transposed: true, pad: 1, offset: 2 };
        const cases: [number, number, number][] = [[3, 4, 0], [1, 1, 1], [1, 300, 257], [300, 1, 257], [2, 97, 130], [197, 130, 300], [130, 260, 530]];
        for (const [M, N, K] of cases) {
          for (const [la, lb] of [[plain, plain], [plain, t], [t, plain], [t, t]] as const) {
            check(M, N, K, 1, 0, la, lb, plain, M * 31 + N * 7 + K);
            check(M, N, K, 0.5, 1, la, lb, t, M + N + K);
          }
        }
        // alpha 0 only scales C by beta.
        check(5, 6, 7, 0, 0.5, plain, plain, plain, 9);
      });
    });
  }
});
