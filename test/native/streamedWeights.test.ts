/**
 * Note [Row-major weights for GEMV]: a one-row product reading a constant weight
 * column-major (an RNN's W_hh.t()) reads a row-major copy instead. The products equal
 * the JS backend's, whatever the rows, widths and layouts, and a state dict loaded
 * into the weight (tsjit writing its storage) is seen by the next product.
 * Note [Aligned weights for GEMV]: a larger one, off a 64-byte boundary, is read from a
 * copy on one: the same floats, so the same products, bit for bit.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matmul, randn, type Tensor } from "../../runtime/index.js";
import { markConstantWeight, noteStorageWritten } from "../../runtime/kernels/constantWeights.js";
import { withBackend } from "../../runtime/kernels/index.js";
import { StreamedWeights } from "../../runtime/kernels/native/streamedWeights.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { native, suiteName } from "./nativeAvailability.js";

function expectClose(got: Tensor, want: Tensor): void {
  const [g, w] = [got.toTypedArray(), want.toTypedArray()];
  expect(g.length).toBe(w.length);
  w.forEach((v, i) => expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))));
}

describe.skipIf(!native)(suiteName("one-row products on constant column-major weights"), () => {
  it("equal the JS backend's for 1-3 rows, weights 200-300 wide (both sides of the copy's rule), transposed or not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 200, max: 300 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), (M, N, K, transposed) => {
        const weight = transposed ? randn([N, K]) : randn([K, N]);
        markConstantWeight(weight.storage);
        const b = transposed ? weight.t() : weight;
        const x = randn([M, K]);
        expectClose(matmul(x, b), withBackend(jsBackend, () => matmul(x, b)));
      }),
      { numRuns: 25 },
    );
  });

  it("see the weight written by tsjit (as loadStateDict does) in the next product", () => {
    const weight = randn([256, 256]);
    markConstantWeight(weight.storage);
    const x = randn([1, 256]);
    expectClose(matmul(x, weight.t()), withBackend(jsBackend, () => matmul(x, weight.t())));
    weight.storage.set(randn([256, 256]).storage);
    noteStorageWritten(weight.storage);
    expectClose(matmul(x, weight.t()), withBackend(jsBackend, () => matmul(x, weight.t())));
  });

  it("misalignment says where an array's data sits against a 64-byte boundary", () => {
    const array = new Float32Array(64);
    const base = native!.binding.misalignment(array);
    expect(base % 4).toBe(0);
    for (let k = 0; k < 20; k++) expect(native!.binding.misalignment(array.subarray(k))).toBe((base + 4 * k) % 64);
    expect(() => native!.binding.misalignment(new Float64Array(4) as unknown as Float32Array)).toThrow(/misalignment\(\): array must be a Float32Array/);
  });

  it("a larger weight off a boundary is read from an aligned copy, made once: the same products, bit for bit", () => {
    const streamed = new StreamedWeights(native!.binding);
    for (const shift of [0, 1, 4, 7, 12]) {
      const [K, N] = [784, 64];
      const storage = randn([N * K + shift]).storage as Float32Array;
      markConstantWeight(storage);
      const b = { data: storage, offset: shift, rowStride: 1, colStride: K };
      const read = streamed.forProduct(1, K, N, b);
      expect(native!.binding.misalignment((read.data as Float32Array).subarray(read.offset)), `shift ${shift}`).toBe(0);
      expect(streamed.forProduct(1, K, N, { ...b }).data === read.data, "made once").toBe(true);
      const x = randn([1, K]);
      const viaCopy = new Float32Array(N);
      const direct = new Float32Array(N);
      const numbers = (ref: typeof b) => new Float64Array([1, N, K, 0, K, 1, ref.offset, ref.rowStride, ref.colStride, 0, 0, N, 1, 0, -1]);
      native!.binding.sgemmFused(x.storage as Float32Array, read.data as Float32Array, viaCopy, null, null, numbers(read as typeof b));
      native!.binding.sgemmFused(x.storage as Float32Array, storage, direct, null, null, numbers(b));
      expect(Array.from(viaCopy)).toEqual(Array.from(direct));
    }
  });

  it("small weights, and weights whose columns cannot all sit on a boundary (K not a multiple of 16), are read as they are", () => {
    const streamed = new StreamedWeights(native!.binding);
    for (const [K, N] of [[784, 16], [100, 200]] as const) {
      const storage = randn([N * K + 1]).storage as Float32Array;
      markConstantWeight(storage);
      const b = { data: storage, offset: 1, rowStride: 1, colStride: K };
      expect(streamed.forProduct(1, K, N, b).data === storage, `${K} x ${N}`).toBe(true);
    }
  });
});
