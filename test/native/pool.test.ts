/**
 * Native max_pool2d, avg_pool2d and adaptive_avg_pool2d against the JS kernels: the
 * same double sums and the same comparisons, so the outputs are identical (NaN, -0
 * and +-inf included). Generated windows (kernel, stride, padding, dilation,
 * ceil_mode sizes, count_include_pad, divisor_override), non-contiguous inputs, the
 * 2x2 stride-2 fast path, and inputs large enough to split over the pool.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { elements, layoutView, LAYOUTS, outputView, type Layout, type Shape4 } from "./convViews.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

const SPECIALS = [Number.NaN, Infinity, -Infinity, -0, 0, 1e30];

/** PyTorch's pooling output size (as runtime/ops/convolution.ts computes it). */
function pooledSize(size: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

function expectSame(got: number[], want: number[], label: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`${label}: element ${i}: native ${got[i]} vs js ${want[i]}`);
  }
}

const windowCase = fc
  .record({
    N: fc.integer({ min: 1, max: 3 }),
    C: fc.integer({ min: 1, max: 4 }),
    H: fc.integer({ min: 1, max: 12 }),
    W: fc.integer({ min: 1, max: 12 }),
    kernelH: fc.integer({ min: 1, max: 4 }),
    kernelW: fc.integer({ min: 1, max: 4 }),
    strideH: fc.integer({ min: 1, max: 3 }),
    strideW: fc.integer({ min: 1, max: 3 }),
    padH: fc.integer({ min: 0, max: 2 }),
    padW: fc.integer({ min: 0, max: 2 }),
    dilationH: fc.integer({ min: 1, max: 2 }),
    dilationW: fc.integer({ min: 1, max: 2 }),
    ceilMode: fc.boolean(),
    layout: fc.constantFrom(...LAYOUTS),
    specials: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e9 }),
  })
  .map((r) => ({ ...r, padH: Math.min(r.padH, r.kernelH >> 1), padW: Math.min(r.padW, r.kernelW >> 1) }));

type WindowCase = typeof windowCase extends fc.Arbitrary<infer T> ? T : never;

function outShape(c: WindowCase, dilated: boolean): Shape4 {
  const dh = dilated ? c.dilationH : 1;
  const dw = dilated ? c.dilationW : 1;
  return [c.N, c.C, pooledSize(c.H, c.kernelH, c.padH, c.strideH, dh, c.ceilMode), pooledSize(c.W, c.kernelW, c.padW, c.strideW, dw, c.ceilMode)];
}

const input = (c: { N: number; C: number; H: number; W: number; layout: Layout; specials: boolean; seed: number }) =>
  layoutView([c.N, c.C, c.H, c.W], c.layout, c.seed, c.specials ? SPECIALS : []);

describe.skipIf(!native)(suiteName("native pooling equals the JS kernels"), () => {
  afterAll(() => native?.binding.setIsa(isas[0]!));

  for (const isa of isas) {
    it(`${isa}: max_pool2d over generated windows and layouts, NaN and -0 included`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(windowCase, (c) => {
          const shape = outShape(c, true);
          fc.pre(shape[2] >= 1 && shape[3] >= 1);
          const x = input(c);
          const got = outputView(shape);
          const want = outputView(shape);
          native!.backend.maxPool2d(x, got, c);
          jsBackend.maxPool2d(x, want, c);
          expectSame(elements(got), elements(want), `${isa} ${JSON.stringify(c)}`);
        }),
        { numRuns: 200 },
      );
    });

    it(`${isa}: avg_pool2d with count_include_pad and divisor_override`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(windowCase, fc.boolean(), fc.constantFrom(0, 0, 3, 7), (c, countIncludePad, divisorOverride) => {
          const shape = outShape(c, false);
          fc.pre(shape[2] >= 1 && shape[3] >= 1);
          const x = input(c);
          const p = { ...c, countIncludePad, divisorOverride };
          const got = outputView(shape);
          const want = outputView(shape);
          native!.backend.avgPool2d(x, got, p);
          jsBackend.avgPool2d(x, want, p);
          expectSame(elements(got), elements(want), `${isa} ${JSON.stringify(p)}`);
        }),
        { numRuns: 200 },
      );
    });

    it(`${isa}: adaptive_avg_pool2d to sizes below, at and above the input's`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(windowCase, fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 14 }), (c, OH, OW) => {
          const x = input(c);
          const shape: Shape4 = [c.N, c.C, OH, OW];
          const got = outputView(shape);
          const want = outputView(shape);
          native!.backend.adaptiveAvgPool2d(x, got);
          jsBackend.adaptiveAvgPool2d(x, want);
          expectSame(elements(got), elements(want), `${isa} ${JSON.stringify(c)} -> ${OH}x${OW}`);
        }),
        { numRuns: 150 },
      );
    });
  }

  for (const isa of isas) {
    it(`${isa}: the 2x2 stride-2 max path's row kernel, rows of 1 to 40 outputs (whole vectors and a masked rest), NaN and -0 included`, () => {
      native!.binding.setIsa(isa);
      const p = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
      fc.assert(
        fc.property(
          fc.record({
            C: fc.integer({ min: 1, max: 3 }),
            H: fc.integer({ min: 2, max: 7 }),
            W: fc.integer({ min: 2, max: 81 }),
            layout: fc.constantFrom(...LAYOUTS),
            seed: fc.integer({ min: 1, max: 1e9 }),
          }),
          ({ C, H, W, layout, seed }) => {
            const x = layoutView([1, C, H, W], layout, seed, SPECIALS);
            const shape: Shape4 = [1, C, H >> 1, W >> 1];
            const got = outputView(shape);
            const want = outputView(shape);
            native!.backend.maxPool2d(x, got, p);
            jsBackend.maxPool2d(x, want, p);
            expectSame(elements(got), elements(want), `${isa} max 1x${C}x${H}x${W} ${layout}`);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it("the 2x2 stride-2 path (odd sizes drop the last row/column) and inputs split over the pool", () => {
    const p = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
    for (const [N, C, H, W] of [[1, 3, 7, 9], [2, 2, 2, 2], [33, 64, 24, 24], [3, 40, 41, 43]] as Shape4[]) {
      for (const layout of LAYOUTS) {
        const x = layoutView([N, C, H, W], layout, N * H + W, SPECIALS);
        const shape: Shape4 = [N, C, H >> 1, W >> 1];
        const got = outputView(shape);
        const want = outputView(shape);
        native!.backend.maxPool2d(x, got, p);
        jsBackend.maxPool2d(x, want, p);
        expectSame(elements(got), elements(want), `max ${N}x${C}x${H}x${W} ${layout}`);
        const avg = { ...p, countIncludePad: true, divisorOverride: 0 };
        native!.backend.avgPool2d(x, got, avg);
        jsBackend.avgPool2d(x, want, avg);
        expectSame(elements(got), elements(want), `avg ${N}x${C}x${H}x${W} ${layout}`);
        const adaptive: Shape4 = [N, C, 3, 5];
        const gotAdaptive = outputView(adaptive);
        const wantAdaptive = outputView(adaptive);
        native!.backend.adaptiveAvgPool2d(x, gotAdaptive);
        jsBackend.adaptiveAvgPool2d(x, wantAdaptive);
        expectSame(elements(gotAdaptive), elements(wantAdaptive), `adaptive ${N}x${C}x${H}x${W} ${layout}`);
      }
    }
  });
});
