/**
 * The native strided copy (float32 and int32) against the JS kernel, for every ISA
 * table (the copy itself is ISA-independent, but the table switch must not matter):
 * random strided sources (rank 0-5, size-1 dims, broadcast, permuted, stepped,
 * flipped), transposes large enough for the tiled path and the pool, and that the
 * backend leaves other dtypes, conversions and overlapping outputs to JS.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { stridedLayout } from "../../runtime/kernels/native/views.js";
import { randn, tensor } from "../../runtime/index.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { denseOut, layoutArb, shapeArb, stridedView } from "./stridedViews.js";

describe.skipIf(!native)(suiteName("native strided copy equals the JS kernel"), () => {
  const b = native!.binding;
  afterAll(() => b.setIsa(isas[0]!));

  const nativeCopy = (src: StridedView, out: StridedView) =>
    b.copy(stridedLayout(out.shape, [src, out])!, src.storage as Float32Array | Int32Array, out.storage as Float32Array | Int32Array);
  const bits = (v: StridedView) => Array.from(new Uint32Array(v.storage.buffer, v.storage.byteOffset, v.storage.length));

  for (const isa of isas) {
    it(`${isa}: random strided float32 and int32 sources`, () => {
      b.setIsa(isa);
      fc.assert(
        fc.property(shapeArb.chain((shape) => fc.tuple(fc.constant(shape), layoutArb(shape.length, true), fc.constantFrom("float32" as const, "int32" as const))), ([shape, plan, dtype]) => {
          const src = stridedView(shape, plan, dtype);
          const want = denseOut(shape, dtype);
          jsBackend.copy(src, want);
          const got = denseOut(shape, dtype);
          nativeCopy(src, got);
          expect(bits(got)).toEqual(bits(want));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("transposes: square, ragged, batched, past the pool threshold", () => {
    for (const [batch, rows, cols] of [[1, 512, 512], [1, 33, 70], [3, 65, 31], [2, 1, 200], [4, 300, 97]] as const) {
      const t = randn(batch, cols, rows).transpose(1, 2);
      const want = denseOut([batch, rows, cols]);
      jsBackend.copy(t, want);
      const got = denseOut([batch, rows, cols]);
      nativeCopy(t, got);
      expect(bits(got)).toEqual(bits(want));
    }
  });

  it("a strided (not transposed) copy past the pool threshold, split mid-row", () => {
    const shape = [5, 131, 103];
    const src = stridedView(shape, { order: [2, 0, 1], broadcast: [false, false, false], steps: [1, 2, 1], flips: [false, true, false], offset: 3, seed: 5 });
    const want = denseOut(shape);
    jsBackend.copy(src, want);
    const got = denseOut(shape);
    nativeCopy(src, got);
    expect(bits(got)).toEqual(bits(want));
  });

  it("the backend copies float32/int32 natively and sends conversions, bool and small copies to JS, with the same results", () => {
    const x = randn(16, 9);
    const cases = [
      () => x.t().contiguous(),
      () => x.reshape([4, 4, 9]).permute([2, 0, 1]).contiguous(),
      () => tensor(Array.from({ length: 200 }, (_, i) => i), { dtype: "int32" }).reshape([10, 20]).t().contiguous(),
      () => x.t().contiguous().to("int32"),
      () => x.gt(0).t().contiguous(),
      () => x.narrow(1, 2, 3).contiguous(),
    ];
    for (const make of cases) {
      const got = withBackend(native!.backend, make);
      const want = withBackend(jsBackend, make);
      expect(got.dtype).toBe(want.dtype);
      expect(Array.from(got.toTypedArray())).toEqual(Array.from(want.toTypedArray()));
    }
  });
});
