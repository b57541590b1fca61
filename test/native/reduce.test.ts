/**
 * Native reductions (sum, mean, prod, amax, amin, argmax/argmin, var/std, logsumexp)
 * softmax over a non-last dim and cumsum against the JS kernels, for every ISA this CPU
 * supports: random shapes of rank 1-5, random dim subsets, permuted and stepped
 * inputs at an offset, strided outputs, NaN/inf and large magnitudes.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import type { ReduceOp } from "../../runtime/kernels/reduction.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { isas, native, suiteName } from "./nativeAvailability.js";
import { contiguousStrides, denseView, dimsArb, expectClose, makeView, viewCaseArb, type ViewCase } from "./reduceCases.js";

const RUNS = 60;

const caseWithDims = viewCaseArb.chain((c) => fc.tuple(fc.constant(c), dimsArb(c.shape.length), fc.boolean()));

const keptShape = (shape: readonly number[], dims: readonly number[]) => shape.map((s, d) => (dims.includes(d) ? 1 : s));

/** A keepdim output, contiguous or every other element of a buffer twice its size. */
function outView(shape: readonly number[], stepped: boolean, storage: "float32" | "int64" = "float32"): StridedView {
  const n = shape.reduce((a, b) => a * b, 1);
  const make = (k: number) => (storage === "int64" ? new Float64Array(k) : new Float32Array(k));
  if (!stepped) return denseView(shape, make(n));
  return { storage: make(2 * n + 1), shape: [...shape], strides: contiguousStrides(shape).map((s) => 2 * s), offset: 1, dtype: storage };
}

/** The out view's elements in row-major order. */
function read(v: StridedView): number[] {
  const n = v.shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    let rest = k;
    let o = v.offset;
    for (let d = v.shape.length - 1; d >= 0; d--) {
      o += (rest % v.shape[d]!) * v.strides[d]!;
      rest = Math.floor(rest / v.shape[d]!);
    }
    out.push(v.storage[o]!);
  }
  return out;
}

function totalAbs(x: StridedView): number {
  let t = 0;
  for (const v of x.storage) if (Number.isFinite(v)) t += Math.abs(v);
  return t;
}

const reducedCount = (c: ViewCase, dims: readonly number[]) => dims.reduce((a, d) => a * c.shape[d]!, 1);

describe.skipIf(!native)(suiteName("native reductions equal the JS kernels"), () => {
  afterAll(() => {
    native?.binding.setIsa(isas[0]!);
    vi.restoreAllMocks();
  });
  const backend = native!.backend;

  for (const isa of isas) {
    it(`${isa}: sum / mean / prod / amax / amin over random dims of strided inputs`, () => {
      native!.binding.setIsa(isa);
      const spy = vi.spyOn(native!.binding, "reduce");
      for (const op of ["sum", "mean", "prod", "amax", "amin"] as ReduceOp[]) {
        fc.assert(
          fc.property(caseWithDims, ([c, dims, stepped]) => {
            const x = makeView(c);
            const want = outView(keptShape(c.shape, dims), false);
            const got = outView(keptShape(c.shape, dims), stepped);
            jsBackend.reduce(op, x, dims, want);
            backend.reduce(op, x, dims, got);
            const exact = op === "amax" || op === "amin";
            const scale = op === "mean" ? 1 / reducedCount(c, dims) : 1;
            expectClose(`${isa} ${op} ${JSON.stringify(c)} dims ${dims}`, read(got), read(want), exact ? 0 : 1e-6, exact ? 0 : 1e-15 * totalAbs(x) * scale);
          }),
          { numRuns: RUNS },
        );
      }
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    });

    it(`${isa}: argmax / argmin (first index wins, NaN wins) with and without values`, () => {
      native!.binding.setIsa(isa);
      const spy = vi.spyOn(native!.binding, "argReduce");
      for (const op of ["max", "min"] as const) {
        fc.assert(
          fc.property(caseWithDims, fc.boolean(), fc.boolean(), ([c, dims, stepped], withValues, ties) => {
            const x = makeView(c);
            if (ties) for (let i = 0; i < x.storage.length; i++) x.storage[i] = Math.round(x.storage[i]! / (c.scale / 4));
            const kept = keptShape(c.shape, dims);
            const want = outView(kept, false, "int64");
            const got = outView(kept, stepped, "int64");
            const wantValues = withValues ? outView(kept, false) : null;
            const gotValues = withValues ? outView(kept, !stepped) : null;
            jsBackend.argReduce(op, x, dims, wantValues, want);
            backend.argReduce(op, x, dims, gotValues, got);
            const label = `${isa} arg${op} ${JSON.stringify(c)} dims ${dims}`;
            expectClose(label, read(got), read(want), 0, 0);
            if (withValues) expectClose(`${label} values`, read(gotValues!), read(wantValues!), 0, 0);
          }),
          { numRuns: RUNS },
        );
      }
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    });

    it(`${isa}: var / std with corrections 0 and 1, logsumexp`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(caseWithDims, fc.constantFrom(0, 1), fc.boolean(), ([c, dims, stepped], correction, sqrt) => {
          const x = makeView(c);
          const kept = keptShape(c.shape, dims);
          const label = `${isa} ${JSON.stringify(c)} dims ${dims}`;
          const want = outView(kept, false);
          const got = outView(kept, stepped);
          jsBackend.variance(x, dims, correction, sqrt, want);
          backend.variance(x, dims, correction, sqrt, got);
          expectClose(`${label} ${sqrt ? "std" : "var"} correction ${correction}`, read(got), read(want), 1e-5, sqrt ? 1e-6 * c.scale : 1e-10 * c.scale ** 2);
          jsBackend.logsumexp(x, dims, want);
          backend.logsumexp(x, dims, got);
          expectClose(`${label} logsumexp`, read(got), read(want), 1e-5, 1e-6);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${isa}: softmax / log_softmax over a dim other than the last, and in place`, () => {
      native!.binding.setIsa(isa);
      const spy = vi.spyOn(native!.binding, "softmaxColumns");
      const arb = viewCaseArb.filter((c) => c.shape.length >= 2).chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 0, max: c.shape.length - 2 }), fc.boolean()));
      fc.assert(
        fc.property(arb, ([c, dim, log]) => {
          const x = makeView({ ...c, perm: c.shape.map((_, d) => d), steps: c.shape.map(() => 1) });
          const want = denseView(c.shape);
          const got = denseView(c.shape);
          jsBackend.softmax(x, dim, log, want);
          backend.softmax(x, dim, log, got);
          const label = `${isa} ${log ? "log_" : ""}softmax dim ${dim} ${JSON.stringify(c)}`;
          expectClose(label, got.storage, want.storage, 1e-5, log ? 1e-5 : 1e-7);
          backend.softmax(x, dim, log, x);
          expectClose(`${label} in place`, x.storage.subarray(x.offset), got.storage, 0, 0);
        }),
        { numRuns: RUNS },
      );
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    });
  }

  for (const isa of isas) {
    it(`${isa}: cumsum along every dim, and in place`, () => {
      native!.binding.setIsa(isa);
      const spy = vi.spyOn(native!.binding, "cumsum");
      const arb = viewCaseArb.chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 0, max: c.shape.length - 1 })));
      fc.assert(
        fc.property(arb, ([c, dim]) => {
          const x = makeView({ ...c, perm: c.shape.map((_, d) => d), steps: c.shape.map(() => 1) });
          const want = denseView(c.shape);
          const got = denseView(c.shape);
          jsBackend.cumsum(x, dim, want);
          backend.cumsum(x, dim, got);
          const label = `${isa} cumsum dim ${dim} ${JSON.stringify(c)}`;
          expectClose(label, got.storage, want.storage, 0, 0);
          backend.cumsum(x, dim, x);
          expectClose(`${label} in place`, x.storage.subarray(x.offset), got.storage, 0, 0);
        }),
        { numRuns: RUNS },
      );
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    });
  }

  it("the reduction of a large input splits over the pool by outputs: 1 and 2 threads agree", () => {
    const x = makeView({ shape: [300, 700], perm: [0, 1], steps: [1, 1], offset: 0, seed: 5, scale: 10, special: false });
    const cases: [number[], number[]][] = [[[1], [300, 1]], [[0], [1, 700]]];
    for (const [dims, kept] of cases) {
      const one = denseView(kept);
      const two = denseView(kept);
      native!.binding.setNumThreads(1);
      backend.variance(x, dims, 1, false, one);
      native!.binding.setNumThreads(2);
      backend.variance(x, dims, 1, false, two);
      expect(Array.from(two.storage)).toEqual(Array.from(one.storage));
    }
    native!.binding.setNumThreads(native!.binding.info().poolThreads);
  });

  it("other dtypes and all/any run the JS kernel", () => {
    const spy = vi.spyOn(native!.binding, "reduce").mockClear();
    const ints = { storage: new Int32Array(100).fill(3), shape: [10, 10], strides: [10, 1], offset: 0, dtype: "int32" as const };
    const out = { storage: new Float64Array(10), shape: [10, 1], strides: [1, 1], offset: 0, dtype: "int64" as const };
    backend.reduce("sum", ints, [1], out);
    expect(Array.from(out.storage)).toEqual(new Array(10).fill(30));
    const x = denseView([10, 10], new Float32Array(100).fill(1));
    const any = { storage: new Uint8Array(10), shape: [10, 1], strides: [1, 1], offset: 0, dtype: "bool" as const };
    backend.reduce("any", x, [1], any);
    expect(Array.from(any.storage)).toEqual(new Array(10).fill(1));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
