/**
 * Note [Row-major weights for GEMV]: a one-row product reading a constant weight
 * column-major (an RNN's W_hh.t()) reads a row-major copy instead. The products equal
 * the JS backend's, whatever the rows, widths and layouts, and a state dict loaded
 * into the weight (tsjit writing its storage) is seen by the next product.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matmul, randn, type Tensor } from "../../runtime/index.js";
import { markConstantWeight, noteStorageWritten } from "../../runtime/kernels/constantWeights.js";
import { withBackend } from "../../runtime/kernels/index.js";
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
});
