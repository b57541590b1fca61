/**
 * Native conv2d + activation + 2x2 max pooling (tsjit::conv2d_act_max_pool2x2) against
 * the JS reference (the whole convolution, then max_pool2d), for every ISA this CPU
 * supports, on 1 and 2 threads: generated shapes with odd convolution sizes (the pooling
 * drops the last row or column), strides, padding, groups, every activation, input
 * layouts, NaN in the input, fewer and more images than threads, a spaced output;
 * output channels in blocks of 32 at stride 1 unpadded (AVX-512's channels-last tile,
 * whose rows end in a tile overlapping the one before); every row width from 12 to 44
 * (each width of that tile); 3x3 convolutions with 16 or more input and output channels
 * (AVX-512 and AVX2 take them by Winograd F(2x2, 3x3)), with infinities in the input; and the cnn example's conv2 at batch 1 and 33 (and on 28 x 28),
 * on every ISA.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import { EPILOGUE_ACTIVATIONS, type Conv2dParams, type EpilogueActivation } from "../../runtime/kernels/linalg.js";
import type { StridedView } from "../../runtime/tensor/Tensor.js";
import { contiguousStrides, elements, type F32View, fillRandom, type Layout, LAYOUTS, layoutView, oneInfinity, outputView, type Shape4 } from "./convViews.js";
import { isas, native, suiteName } from "./nativeAvailability.js";

interface PoolCase {
  N: number;
  groups: number;
  Cg: number;
  Og: number;
  K: number;
  H: number;
  W: number;
  stride: number;
  pad: number;
  activation: EpilogueActivation;
  layout: Layout;
  withBias: boolean;
  nan: boolean;
  spaced: boolean;
  seed: number;
  /** The weight's layout (contiguous unless given). */
  weightLayout?: Layout;
  /** Values placed every 7th input element instead of NaN (with `nan`). */
  specials?: readonly number[];
  /** Changes the input and weight before the run. */
  prepare?: (input: F32View, weight: F32View) => void;
}

const convSize = (size: number, c: PoolCase) => Math.floor((size + 2 * c.pad - c.K) / c.stride) + 1;

/** An output on every other float of a NaN-filled buffer (column stride 2). */
function spacedOutputView(shape: Shape4): F32View {
  const n = shape.reduce((a, b) => a * b, 1);
  return { storage: new Float32Array(2 * n + 3).fill(Number.NaN), shape, strides: contiguousStrides(shape).map((s) => 2 * s), offset: 1, dtype: "float32" };
}

/** Runs one case on both backends; returns [native, js] outputs. */
function runBoth(c: PoolCase): [number[], number[]] {
  const C = c.Cg * c.groups;
  const O = c.Og * c.groups;
  const conv: [number, number] = [convSize(c.H, c), convSize(c.W, c)];
  const input = layoutView([c.N, C, c.H, c.W], c.layout, c.seed, c.nan ? (c.specials ?? [Number.NaN]) : []);
  const weight = layoutView([O, c.Cg, c.K, c.K], c.weightLayout ?? "contiguous", c.seed + 1);
  c.prepare?.(input, weight);
  const bias: StridedView | null = c.withBias ? { storage: fillRandom(new Float32Array(O), c.seed + 2), shape: [O], strides: [1], offset: 0, dtype: "float32" } : null;
  const p: Conv2dParams = { strideH: c.stride, strideW: c.stride, padH: c.pad, padW: c.pad, dilationH: 1, dilationW: 1, groups: c.groups, activation: c.activation };
  const shape: Shape4 = [c.N, O, conv[0] >> 1, conv[1] >> 1];
  const got = c.spaced ? spacedOutputView(shape) : outputView(shape);
  const want = outputView(shape);
  native!.backend.conv2dMaxPool2x2(input, weight, bias, got, p, conv);
  jsBackend.conv2dMaxPool2x2(input, weight, bias, want, p, conv);
  return [elements(got), elements(want)];
}

function expectClose(got: number[], want: number[], label: string, tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i]!) ? Number.isNaN(got[i]!) : got[i] === want[i] || Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!));
    if (!ok) throw new Error(`${label}: element ${i}: native ${got[i]} vs js ${want[i]}`);
  }
}

const poolCase: fc.Arbitrary<PoolCase> = fc
  .record({
    N: fc.integer({ min: 1, max: 5 }),
    groups: fc.integer({ min: 1, max: 2 }),
    Cg: fc.integer({ min: 1, max: 5 }),
    Og: fc.integer({ min: 1, max: 20 }),
    K: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 3, max: 30 }),
    W: fc.integer({ min: 3, max: 30 }),
    stride: fc.integer({ min: 1, max: 2 }),
    pad: fc.integer({ min: 0, max: 1 }),
    activation: fc.constantFrom(...EPILOGUE_ACTIVATIONS),
    layout: fc.constantFrom(...LAYOUTS),
    withBias: fc.boolean(),
    nan: fc.boolean(),
    spaced: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e9 }),
  })
  .filter((c) => convSize(c.H, c) >= 2 && convSize(c.W, c) >= 2);

describe.skipIf(!native)(suiteName("native conv2d + activation + 2x2 max pooling equals the JS reference"), () => {
  afterAll(() => {
    native?.binding.setIsa(isas[0]!);
    native?.binding.setNumThreads(native.binding.info().poolThreads);
  });

  for (const isa of isas) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): generated shapes, odd sizes, strides, padding, groups, activations, layouts, NaN`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        fc.assert(
          fc.property(poolCase, (c) => {
            const [got, want] = runBoth(c);
            expectClose(got, want, `${isa} ${threads}T ${JSON.stringify(c)}`);
          }),
          { numRuns: 80 },
        );
      });
    }
  }

  for (const isa of isas) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): output channels in blocks of 32, stride 1, unpadded (the channels-last tile on AVX-512): rows of 12 and more, odd sizes, NaN, any activation`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        fc.assert(
          fc.property(
            poolCase,
            fc.constantFrom(32, 64),
            fc.integer({ min: 0, max: 9 }),
            (c, O, extraW) => {
              const blocks: PoolCase = { ...c, groups: 1, Og: O, stride: 1, pad: 0, N: (c.N % 3) + 1, W: c.K + 11 + extraW, layout: c.seed % 3 === 0 ? c.layout : "contiguous" };
              const [got, want] = runBoth(blocks);
              expectClose(got, want, `${isa} ${threads}T ${JSON.stringify(blocks)}`, 3e-4);
            },
          ),
          { numRuns: 40 },
        );
      });
    }
  }

  for (const isa of isas) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): every output row width from 12 to 44 (the channels-last tile's widths, 8 to 14; rows of 1 to 4 tiles, evenly split or ending in an overlap; pooled rows of up to 22, past one transposed block of 16), spaced outputs`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        for (let OW = 12; OW <= 44; OW++) {
          for (const N of [1, 3]) {
            const c: PoolCase = { N, groups: 1, Cg: 3, Og: 32, K: 3, H: 5, W: OW + 2, stride: 1, pad: 0, activation: OW % 2 ? "relu" : "tanh", layout: "contiguous", withBias: true, nan: OW % 5 === 0, spaced: OW % 3 === 0, seed: OW };
            expectClose(...runBoth(c), `${isa} ${threads}T OW ${OW} N ${N}`, 3e-4);
          }
        }
      });
    }
  }

  for (const isa of isas) {
    it(`${isa}: the cnn example's conv2 (32 -> 64, 26 x 26, relu) at batch 1 and 33, an odd 25 x 25 input, 28 x 28 (rows of 2 x 13), NaN kept, 1 and 2 threads`, () => {
      native!.binding.setIsa(isa);
      for (const threads of [1, 2]) {
        native!.binding.setNumThreads(threads);
        for (const [N, H] of [[1, 26], [33, 26], [3, 25], [2, 28]] as const) {
          const c: PoolCase = { N, groups: 1, Cg: 32, Og: 64, K: 3, H, W: H, stride: 1, pad: 0, activation: "relu", layout: "contiguous", withBias: true, nan: false, spaced: false, seed: 9 };
          expectClose(...runBoth(c), `conv2 b${N} ${H}x${H} ${threads}T`, 3e-4);
          const [got, want] = runBoth({ ...c, nan: true });
          expect(want.some(Number.isNaN)).toBe(true);
          expectClose(got, want, `conv2 with NaN b${N} ${threads}T`, 3e-4);
        }
      }
    });
  }

  const winogradCase: fc.Arbitrary<PoolCase> = fc.record({
    N: fc.integer({ min: 1, max: 4 }),
    groups: fc.constant(1),
    Cg: fc.integer({ min: 16, max: 40 }),
    Og: fc.constantFrom(16, 24, 32, 48, 64),
    K: fc.constant(3),
    H: fc.integer({ min: 4, max: 34 }),
    W: fc.integer({ min: 4, max: 34 }),
    stride: fc.constant(1),
    pad: fc.constant(0),
    activation: fc.constantFrom<EpilogueActivation>("relu", "relu", "relu", "tanh"),
    layout: fc.constantFrom<Layout>("contiguous", "contiguous", "contiguous", ...LAYOUTS),
    withBias: fc.boolean(),
    nan: fc.boolean(),
    spaced: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e9 }),
    weightLayout: fc.constantFrom<Layout>("contiguous", "contiguous", "sliced", "transposedHW"),
  });

  for (const isa of isas) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): 3x3 stride 1 unpadded relu with at least 16 input and output channels (Winograd F(2x2, 3x3) on AVX-512 and AVX2): odd sizes, blocks of tile rows, parts of the channels, weight and input layouts, NaN, spaced outputs`, () => {
        native!.binding.setIsa(isa);
        native!.binding.setNumThreads(threads);
        fc.assert(
          fc.property(winogradCase, (c) => {
            const [got, want] = runBoth(c);
            expectClose(got, want, `${isa} ${threads}T ${JSON.stringify(c)}`, 3e-4);
          }),
          { numRuns: 40 },
        );
      });
    }
  }

  for (const isa of isas) {
    it(`${isa}: infinities in the input give what the direct convolution gives (Winograd's transforms would subtract them: inf - inf), 1 and 2 threads`, () => {
      native!.binding.setIsa(isa);
      const base: PoolCase = { N: 2, groups: 1, Cg: 16, Og: 32, K: 3, H: 12, W: 14, stride: 1, pad: 0, activation: "relu", layout: "contiguous", withBias: true, nan: false, spaced: false, seed: 5 };
      for (const threads of [1, 2]) {
        native!.binding.setNumThreads(threads);
        const [got, want] = runBoth({ ...base, prepare: oneInfinity(Number.POSITIVE_INFINITY) });
        expect(want.filter((x) => x === Number.POSITIVE_INFINITY).length).toBeGreaterThan(0);
        expectClose(got, want, `${isa} ${threads}T one +inf`, 3e-4);
        expectClose(...runBoth({ ...base, prepare: oneInfinity(Number.NEGATIVE_INFINITY) }), `${isa} ${threads}T one -inf`, 3e-4);
        expectClose(...runBoth({ ...base, nan: true, specials: [Number.NaN, Number.POSITIVE_INFINITY] }), `${isa} ${threads}T NaN and +inf`, 3e-4);
      }
    });
  }
});
