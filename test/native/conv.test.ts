/**
 * Native conv2d against the JS kernel, for every ISA this CPU supports: generated
 * shapes (odd sizes, stride, padding incl. asymmetric "same", dilation, groups,
 * depthwise, 1x1), non-contiguous inputs and weights, bias with a stride, batches
 * above the thread count (the per-image parallel path), the activation epilogue
 * (tsjit::conv2d_act), the stride-1 direct path's tile edges and its few-taps rows, 3x3
 * convolutions with 16 or more channels (Winograd F(2x2, 3x3) on AVX-512 and AVX2, with
 * infinities in the input), and the layouts the backend sends to JS instead.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { EPILOGUE_ACTIVATIONS, type Conv2dParams } from "../../runtime/kernels/linalg.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { contiguousStrides, elements, type F32View, fillRandom, type Layout, LAYOUTS, layoutView, oneInfinity, outputView, type Shape4 } from "./convViews.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

interface ConvCase {
  N: number;
  groups: number;
  Cg: number;
  Og: number;
  KH: number;
  KW: number;
  H: number;
  W: number;
  p: Conv2dParams;
  /** Trailing padding (PyTorch's padding="same" makes it differ from the leading one). */
  padAfterH: number;
  padAfterW: number;
  inputLayout: Layout;
  weightLayout: Layout;
  bias: "none" | "dense" | "strided";
  seed: number;
  /** Changes the input and weight before the run. */
  prepare?: (input: F32View, weight: F32View) => void;
}

const outSize = (size: number, k: number, stride: number, before: number, after: number, dilation: number) =>
  Math.floor((size + before + after - dilation * (k - 1) - 1) / stride) + 1;

function expectClose(got: number[], want: number[], label: string, tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(got[i] === want[i] || Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`${label}: element ${i}: native ${got[i]} vs js ${want[i]}`);
  }
}

/** Runs one case on both backends; returns [native, js] outputs. */
function runBoth(c: ConvCase, outFor: (shape: Shape4) => F32View = outputView): [number[], number[]] {
  const C = c.Cg * c.groups;
  const O = c.Og * c.groups;
  const OH = outSize(c.H, c.KH, c.p.strideH, c.p.padH, c.padAfterH, c.p.dilationH);
  const OW = outSize(c.W, c.KW, c.p.strideW, c.p.padW, c.padAfterW, c.p.dilationW);
  const input = layoutView([c.N, C, c.H, c.W], c.inputLayout, c.seed);
  const weight = layoutView([O, c.Cg, c.KH, c.KW], c.weightLayout, c.seed + 1);
  c.prepare?.(input, weight);
  let bias: StridedView | null = null;
  if (c.bias !== "none") {
    const step = c.bias === "strided" ? 3 : 1;
    bias = { storage: fillRandom(new Float32Array(O * step + 2), c.seed + 2), shape: [O], strides: [step], offset: 2, dtype: "float32" };
  }
  const got = outFor([c.N, O, OH, OW]);
  const want = outputView([c.N, O, OH, OW]);
  native!.backend.conv2d(input, weight, bias, got, c.p);
  jsBackend.conv2d(input, weight, bias, want, c.p);
  return [elements(got), elements(want)];
}

const label = (c: ConvCase) => JSON.stringify(c);

/** An output on every other float of a NaN-filled buffer (column stride 2). */
function spacedOutputView(shape: Shape4): F32View {
  const n = shape.reduce((a, b) => a * b, 1);
  const strides = contiguousStrides(shape).map((s) => 2 * s);
  return { storage: new Float32Array(2 * n + 3).fill(Number.NaN), shape, strides, offset: 1, dtype: "float32" };
}

/** A contiguous output inside a NaN-filled buffer, 17 floats of border before it and 33 after. */
function borderedOutputView(shape: Shape4): F32View {
  const n = shape.reduce((a, b) => a * b, 1);
  return { storage: new Float32Array(n + 50).fill(Number.NaN), shape, strides: contiguousStrides(shape), offset: 17, dtype: "float32" };
}

/** Throws when a float of out's buffer outside the view is no longer NaN (the kernel wrote past its output). */
function expectUntouchedOutside(out: F32View, label: string): void {
  const inside = new Set<number>();
  const [N, C, H, W] = out.shape as Shape4;
  const [s0, s1, s2, s3] = out.strides as Shape4;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) inside.add(out.offset + n * s0 + c * s1 + h * s2 + w * s3);
  out.storage.forEach((v, i) => {
    if (!inside.has(i) && !Number.isNaN(v)) throw new Error(`${label}: float ${i} outside out was written (${v})`);
  });
}

/** Generated cases whose padded input holds the dilated kernel. */
const convCase = (shape: { groups: fc.Arbitrary<number>; Cg: fc.Arbitrary<number>; K: fc.Arbitrary<number> }): fc.Arbitrary<ConvCase> =>
  fc
    .record({
      N: fc.integer({ min: 1, max: 5 }),
      groups: shape.groups,
      Cg: shape.Cg,
      Og: fc.integer({ min: 1, max: 5 }),
      KH: shape.K,
      KW: shape.K,
      H: fc.integer({ min: 1, max: 13 }),
      W: fc.integer({ min: 1, max: 13 }),
      strideH: fc.integer({ min: 1, max: 3 }),
      strideW: fc.integer({ min: 1, max: 3 }),
      padH: fc.integer({ min: 0, max: 2 }),
      padW: fc.integer({ min: 0, max: 2 }),
      dilationH: fc.integer({ min: 1, max: 2 }),
      dilationW: fc.integer({ min: 1, max: 2 }),
      sameLike: fc.boolean(),
      inputLayout: fc.constantFrom(...LAYOUTS),
      weightLayout: fc.constantFrom(...LAYOUTS),
      bias: fc.constantFrom("none" as const, "dense" as const, "strided" as const),
      seed: fc.integer({ min: 1, max: 1e9 }),
    })
    .map((r) => {
      // "same"-like: the trailing padding is the rest of dilation * (K - 1).
      const padAfterH = r.sameLike ? Math.max(0, r.dilationH * (r.KH - 1) - r.padH) : r.padH;
      const padAfterW = r.sameLike ? Math.max(0, r.dilationW * (r.KW - 1) - r.padW) : r.padW;
      const { strideH, strideW, padH, padW, dilationH, dilationW } = r;
      return { ...r, padAfterH, padAfterW, p: { strideH, strideW, padH, padW, dilationH, dilationW, groups: r.groups } };
    })
    .filter((c) => c.H + c.p.padH + c.padAfterH >= c.p.dilationH * (c.KH - 1) + 1 && c.W + c.p.padW + c.padAfterW >= c.p.dilationW * (c.KW - 1) + 1);

describe.skipIf(!native)(suiteName("native conv2d equals the JS kernel"), () => {
  afterAll(() => {
    native?.binding.setIsa(isas[0]!);
    native?.binding.setNumThreads(native.binding.info().poolThreads);
  });

  for (const isa of isas) {
    it(`${isa}: generated shapes, strides, padding, dilation, groups and layouts (im2col + SGEMM)`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(convCase({ groups: fc.integer({ min: 1, max: 3 }), Cg: fc.integer({ min: 1, max: 4 }), K: fc.integer({ min: 1, max: 4 }) }), (c) => {
          const [got, want] = runBoth(c);
          expectClose(got, want, `${isa} ${label(c)}`);
        }),
        { numRuns: 150 },
      );
    });

    it(`${isa}: an activation epilogue (every activation; im2col, direct, 1x1 and depthwise paths)`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(
          convCase({ groups: fc.integer({ min: 1, max: 3 }), Cg: fc.integer({ min: 1, max: 3 }), K: fc.integer({ min: 1, max: 3 }) }),
          fc.constantFrom(...EPILOGUE_ACTIVATIONS),
          (c, activation) => {
            const withActivation = { ...c, p: { ...c.p, activation } };
            const [got, want] = runBoth(withActivation);
            expectClose(got, want, `${isa} ${activation} ${label(c)}`);
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`${isa}: stride 1 (the direct path): channels past a whole tile, rows over several tiles, a spaced output`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(
          convCase({ groups: fc.integer({ min: 1, max: 2 }), Cg: fc.integer({ min: 1, max: 6 }), K: fc.integer({ min: 2, max: 5 }) }),
          fc.integer({ min: 1, max: 19 }),
          fc.integer({ min: 4, max: 12 }),
          fc.integer({ min: 10, max: 30 }),
          fc.boolean(),
          fc.constantFrom(undefined, ...EPILOGUE_ACTIVATIONS),
          (c, Og, extraH, extraW, spaced, activation) => {
            // A spaced output has a column stride, which an activation does not take.
            const spacedOut = spaced && activation === undefined;
            let out: F32View | undefined;
            // Planes large enough that most positions the tiles compute are outputs (direct_conv_fits).
            const direct = { ...c, N: (c.N % 2) + 1, Og, H: c.H + extraH, W: c.W + extraW, p: { ...c.p, strideH: 1, strideW: 1, activation } };
            const [got, want] = runBoth(direct, (shape) => (out = spacedOut ? spacedOutputView(shape) : outputView(shape)));
            expectClose(got, want, `${isa} ${label(direct)}`);
            expectUntouchedOutside(out!, `${isa} ${label(direct)}`);
          },
        ),
        { numRuns: 120 },
      );
    });

    it(`${isa}: stride 1 with few taps (the direct path's output rows written in place): any row width, nothing written past the output`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(
          convCase({ groups: fc.integer({ min: 1, max: 3 }), Cg: fc.integer({ min: 1, max: 2 }), K: fc.integer({ min: 2, max: 3 }) }),
          fc.integer({ min: 1, max: 19 }),
          fc.integer({ min: 3, max: 10 }),
          fc.integer({ min: 0, max: 40 }),
          fc.constantFrom(undefined, ...EPILOGUE_ACTIVATIONS),
          (c, Og, extraH, extraW, activation) => {
            let out: F32View | undefined;
            const few = { ...c, Og, H: c.H + extraH, W: c.W + extraW, p: { ...c.p, strideH: 1, strideW: 1, activation } };
            const [got, want] = runBoth(few, (shape) => (out = borderedOutputView(shape)));
            expectClose(got, want, `${isa} ${label(few)}`);
            expectUntouchedOutside(out!, `${isa} ${label(few)}`);
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`${isa}: depthwise (one input channel per group, channel multiplier 1-3)`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(convCase({ groups: fc.integer({ min: 2, max: 6 }), Cg: fc.constant(1), K: fc.integer({ min: 1, max: 5 }) }), (c) => {
          const [got, want] = runBoth({ ...c, Og: (c.Og % 3) + 1, W: c.W + 20 });
          expectClose(got, want, `${isa} ${label(c)}`);
        }),
        { numRuns: 150 },
      );
    });

    it(`${isa}: 1x1 stride-1 unpadded (the input read in place as the GEMM's B)`, () => {
      native!.binding.setIsa(isa);
      fc.assert(
        fc.property(convCase({ groups: fc.integer({ min: 1, max: 2 }), Cg: fc.integer({ min: 1, max: 9 }), K: fc.constant(1) }), (c) => {
          const p = { ...c.p, strideH: 1, strideW: 1, padH: 0, padW: 0 };
          const [got, want] = runBoth({ ...c, p, padAfterH: 0, padAfterW: 0 });
          expectClose(got, want, `${isa} ${label(c)}`);
        }),
        { numRuns: 60 },
      );
    });

    it(`${isa}: batches above the thread count, one image split in row blocks or channel parts, planes enough for the pool`, () => {
      native!.binding.setIsa(isa);
      const base = { Og: 16, KH: 3, KW: 3, H: 20, W: 21, padAfterH: 1, padAfterW: 1, weightLayout: "contiguous" as const, bias: "dense" as const, seed: 5 };
      const p = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1 };
      for (const inputLayout of LAYOUTS) {
        const dense: ConvCase = { ...base, N: 7, groups: 1, Cg: 8, p, inputLayout };
        expectClose(...runBoth(dense), `${isa} dense ${inputLayout}`, 3e-4);
        expectClose(...runBoth({ ...dense, N: 1, H: 23 }), `${isa} one image in row blocks ${inputLayout}`, 3e-4);
        const pointwise: ConvCase = { ...dense, N: 1, Cg: 64, Og: 48, KH: 1, KW: 1, padAfterH: 0, padAfterW: 0, p: { ...p, padH: 0, padW: 0 } };
        expectClose(...runBoth(pointwise), `${isa} 1x1 in row blocks ${inputLayout}`, 3e-4);
        const depthwise: ConvCase = { ...base, N: 5, groups: 16, Cg: 1, Og: 2, H: 30, W: 31, p: { ...p, groups: 16 }, inputLayout };
        expectClose(...runBoth(depthwise), `${isa} depthwise ${inputLayout}`);
        // One image on the direct path: its output channels split over the pool, a part across the groups' boundary.
        const grouped: ConvCase = { ...dense, N: 1, groups: 2, Cg: 4, Og: 12, H: 40, W: 37, p: { ...p, groups: 2 } };
        expectClose(...runBoth(grouped), `${isa} grouped channel parts ${inputLayout}`, 3e-4);
        const fewTaps: ConvCase = { ...base, N: 1, groups: 1, Cg: 1, Og: 32, H: 62, W: 61, p, inputLayout };
        expectClose(...runBoth(fewTaps), `${isa} few taps in channel parts ${inputLayout}`);
      }
    });
  }

  const winogradCase: fc.Arbitrary<ConvCase> = fc
    .record({
      N: fc.integer({ min: 1, max: 4 }),
      Cg: fc.integer({ min: 16, max: 40 }),
      Og: fc.constantFrom(16, 24, 32, 48, 64),
      H: fc.integer({ min: 2, max: 30 }),
      W: fc.integer({ min: 2, max: 30 }),
      pad: fc.integer({ min: 0, max: 1 }),
      sameLike: fc.boolean(),
      inputLayout: fc.constantFrom(...LAYOUTS),
      weightLayout: fc.constantFrom<Layout>("contiguous", "contiguous", "sliced", "transposedHW"),
      bias: fc.constantFrom("none" as const, "dense" as const, "strided" as const),
      activation: fc.constantFrom(undefined, "relu" as const, "relu" as const, "tanh" as const),
      seed: fc.integer({ min: 1, max: 1e9 }),
    })
    .map((r) => ({
      N: r.N, groups: 1, Cg: r.Cg, Og: r.Og, KH: 3, KW: 3, H: r.H, W: r.W,
      // "same": one row and column of zeros after as before; else none after an unpadded one.
      padAfterH: r.sameLike ? 2 - r.pad : r.pad,
      padAfterW: r.sameLike ? 2 - r.pad : r.pad,
      p: { strideH: 1, strideW: 1, padH: r.pad, padW: r.pad, dilationH: 1, dilationW: 1, groups: 1, ...(r.activation ? { activation: r.activation } : {}) },
      inputLayout: r.inputLayout, weightLayout: r.weightLayout, bias: r.bias, seed: r.seed,
    }))
    .filter((c) => c.H + c.p.padH + c.padAfterH >= 4 && c.W + c.p.padW + c.padAfterW >= 4);

  for (const isa of isas) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): 3x3 stride 1 with 16 or more input and output channels (Winograd F(2x2, 3x3) on AVX-512 and AVX2): padding 0, 1 and "same", odd sizes, no activation or relu (tanh takes another path), layouts, nothing written outside out`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        fc.assert(
          fc.property(winogradCase, (c) => {
            let bordered: F32View | undefined;
            const [got, want] = runBoth(c, (shape) => (bordered = borderedOutputView(shape)));
            expectClose(got, want, `${isa} ${threads}T ${label(c)}`, 3e-4);
            expectUntouchedOutside(bordered!, `${isa} ${threads}T ${label(c)}`);
          }),
          { numRuns: 40 },
        );
      });
    }
  }

  for (const isa of isas) {
    it(`${isa}: an infinity in the input gives what the direct convolution gives (Winograd's transforms would subtract it from itself), with and without relu`, () => {
      native!.binding.setIsa(isa);
      const p = { strideH: 1, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1 };
      const base: ConvCase = { N: 2, groups: 1, Cg: 16, Og: 32, KH: 3, KW: 3, H: 11, W: 14, padAfterH: 1, padAfterW: 1, p, inputLayout: "contiguous", weightLayout: "contiguous", bias: "dense", seed: 5 };
      for (const activation of [undefined, "relu" as const]) {
        for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const c = { ...base, p: { ...p, ...(activation ? { activation } : {}) }, prepare: oneInfinity(value) };
          const [got, want] = runBoth(c);
          if (value > 0) expect(want).toContain(Number.POSITIVE_INFINITY);
          expectClose(got, want, `${isa} ${activation ?? "none"} ${value}`, 3e-4);
        }
      }
    });
  }

  it("the cnn example's layers (1 -> 32 and 32 -> 64 channels, 3x3) at batch 1 and 33", () => {
    for (const N of [1, 33]) {
      const p = { strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1 };
      const common = { N, groups: 1, KH: 3, KW: 3, padAfterH: 0, padAfterW: 0, p, inputLayout: "contiguous" as const, weightLayout: "contiguous" as const, bias: "dense" as const, seed: 9 };
      expectClose(...runBoth({ ...common, Cg: 1, Og: 32, H: 28, W: 28 }), `conv1 b${N}`);
      expectClose(...runBoth({ ...common, Cg: 32, Og: 64, H: 26, W: 26 }), `conv2 b${N}`, 3e-4);
    }
  });

  it("sends an output that shares a buffer with an input to the JS kernel", () => {
    const p = { strideH: 1, strideW: 1, padH: 1, padW: 0, dilationH: 1, dilationW: 1, groups: 1 };
    const input = layoutView([2, 3, 6, 7], "contiguous", 4);
    const weight = layoutView([4, 3, 3, 2], "contiguous", 5);
    const shared = new Float32Array(input.storage.length + 2 * 4 * 6 * 6);
    shared.set(input.storage);
    const sharedInput = { ...input, storage: shared };
    const outShape: Shape4 = [2, 4, 6, 6];
    const out = { storage: shared, shape: outShape, strides: [144, 36, 6, 1], offset: input.storage.length, dtype: "float32" as const };
    const want = outputView(outShape);
    native!.backend.conv2d(sharedInput, weight, null, out, p);
    jsBackend.conv2d(input, weight, null, want, p);
    expectClose(elements(out), elements(want), "out in the input's buffer");
  });
});
