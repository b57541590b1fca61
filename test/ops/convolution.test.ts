import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  adaptiveAvgPool1d,
  adaptiveAvgPool2d,
  avgPool1d,
  avgPool2d,
  callOp,
  conv1d,
  conv2d,
  maxPool1d,
  maxPool2d,
  tensor,
  Tensor,
} from "../../runtime/index.js";
import { expectAllClose, naiveConv2d, randomTensor, type ConvConfig, type Layout } from "./linalgReference.js";

const layouts: Layout[] = ["contiguous", "transposed", "strided"];

const convCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 3 }),
    og: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    bias: fc.boolean(),
    inputLayout: fc.constantFrom(...layouts),
    weightLayout: fc.constantFrom(...layouts),
    seed: fc.integer(),
  })
  .filter((c) => c.h + 2 * c.padding[0] >= c.dilation[0] * (c.kh - 1) + 1 && c.w + 2 * c.padding[1] >= c.dilation[1] * (c.kw - 1) + 1);

describe("conv2d against a naive loop", () => {
  it("matches for random shapes, strides, padding, dilation, groups and layouts", () => {
    fc.assert(
      fc.property(convCase, (c) => {
        const x = randomTensor([c.n, c.cg * c.groups, c.h, c.w], c.seed, c.inputLayout);
        const w = randomTensor([c.og * c.groups, c.cg, c.kh, c.kw], c.seed + 1, c.weightLayout);
        const b = c.bias ? randomTensor([c.og * c.groups], c.seed + 2) : null;
        const config: ConvConfig = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
        const want = naiveConv2d(x.toTypedArray(), x.shape, w.toTypedArray(), w.shape, b?.toTypedArray() ?? null, config);
        expectAllClose(conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups), want.data, want.shape);
      }),
      { numRuns: 200 },
    );
  });

  it("covers the in-place 1x1 path, a depthwise multiplier and larger GEMMs", () => {
    const cases: [number[], number[], ConvConfig][] = [
      [[2, 8, 5, 5], [16, 8, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }],
      [[1, 6, 4, 7], [6, 3, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 2 }],
      [[2, 3, 6, 6], [6, 1, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 3 }],
      [[1, 4, 9, 9], [4, 1, 3, 3], { stride: [2, 2], padding: [2, 2], dilation: [2, 2], groups: 4 }],
      [[1, 16, 20, 20], [32, 16, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }],
    ];
    for (const layout of ["contiguous", "strided"] as const) {
      for (const [xs, ws, config] of cases) {
        const x = randomTensor(xs, 3, layout);
        const w = randomTensor(ws, 4);
        const b = randomTensor([ws[0]!], 5);
        const want = naiveConv2d(x.toTypedArray(), x.shape, w.toTypedArray(), w.shape, b.toTypedArray(), config);
        expectAllClose(conv2d(x, w, b, config.stride, config.padding, config.dilation, config.groups), want.data, want.shape, 1e-3);
        const noBias = naiveConv2d(x.toTypedArray(), x.shape, w.toTypedArray(), w.shape, null, config);
        expectAllClose(conv2d(x, w, null, { stride: config.stride, padding: config.padding, dilation: config.dilation, groups: config.groups }), noBias.data, noBias.shape, 1e-3);
      }
    }
  });

  it("accepts an unbatched [C, H, W] input and returns [O, OH, OW]", () => {
    const x = randomTensor([3, 6, 5], 1);
    const w = randomTensor([2, 3, 3, 3], 2);
    const batched = conv2d(new Tensor(x.storage, [1, 3, 6, 5]), w, null, 1, 1);
    const got = conv2d(x, w, null, 1, 1);
    expect([...got.shape]).toEqual([2, 6, 5]);
    expectAllClose(got, batched.toTypedArray(), [2, 6, 5], 0, 0);
  });

  it('padding "same" keeps the size (the odd cell goes after, for even kernels) and "valid" means 0', () => {
    const x = randomTensor([1, 2, 6, 7], 1);
    const w = randomTensor([3, 2, 4, 3], 2);
    const got = conv2d(x, w, null, 1, "same");
    expect([...got.shape]).toEqual([1, 3, 6, 7]);
    // Pad by hand: rows 1 before / 2 after (kernel 4), cols 1 / 1 (kernel 3), then an unpadded conv.
    const padded = new Float32Array(2 * 9 * 9);
    const xv = x.toTypedArray();
    for (let c = 0; c < 2; c++) for (let h = 0; h < 6; h++) for (let q = 0; q < 7; q++) padded[(c * 9 + h + 1) * 9 + q + 1] = xv[(c * 6 + h) * 7 + q]!;
    const want = naiveConv2d(padded, [1, 2, 9, 9], w.toTypedArray(), w.shape, null, { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 });
    expectAllClose(got, want.data, want.shape);
    expectAllClose(conv2d(x, w, null, 1, "valid"), conv2d(x, w).toTypedArray(), [1, 3, 3, 5], 0, 0);
  });

  it("conv1d equals conv2d with a height-1 input, batched or not, grouped or not", () => {
    const x = randomTensor([2, 3, 11], 1, "transposed");
    const x4 = new Tensor(x.storage, [2, 3, 1, 11], [x.strides[0]!, x.strides[1]!, 0, x.strides[2]!], x.offset);
    const b = randomTensor([6], 3);
    for (const groups of [1, 3]) {
      const w = randomTensor([6, 3 / groups, 3], 2 + groups);
      const w4 = new Tensor(w.storage, [6, 3 / groups, 1, 3]);
      const config: ConvConfig = { stride: [1, 2], padding: [0, 2], dilation: [1, 2], groups };
      const want = naiveConv2d(x4.toTypedArray(), x4.shape, w4.toTypedArray(), w4.shape, b.toTypedArray(), config);
      expectAllClose(conv1d(x, w, b, 2, 2, 2, groups), want.data, [2, 6, 6]);
      // The second image alone, unbatched, with keyword options.
      const second = new Tensor(x.storage, [3, 11], [x.strides[1]!, x.strides[2]!], x.offset + x.strides[0]!);
      expectAllClose(conv1d(second, w, b, { stride: 2, padding: 2, dilation: 2, groups }), want.data.slice(36), [6, 6]);
    }
  });
});

/** Naive pooling with PyTorch's window rules, for [N, C, H, W] flat arrays. */
function naivePool(
  x: Float32Array,
  [N, C, H, W]: number[],
  k: [number, number],
  s: [number, number],
  p: [number, number],
  d: [number, number],
  ceil: boolean,
  reduce: (values: number[], window: { padded: number; valid: number }) => number,
): { data: Float64Array; shape: number[] } {
  const size = (n: number, i: 0 | 1) => {
    let o = Math.floor((n + 2 * p[i] - d[i] * (k[i] - 1) - 1 + (ceil ? s[i] - 1 : 0)) / s[i]) + 1;
    if (ceil && (o - 1) * s[i] >= n + p[i]) o--;
    return o;
  };
  const OH = size(H!, 0);
  const OW = size(W!, 1);
  const out = new Float64Array(N! * C! * OH * OW);
  let at = 0;
  for (let nc = 0; nc < N! * C!; nc++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        const values: number[] = [];
        for (let i = 0; i < k[0]; i++)
          for (let j = 0; j < k[1]; j++) {
            const h = oh * s[0] - p[0] + i * d[0];
            const w = ow * s[1] - p[1] + j * d[1];
            if (h >= 0 && h < H! && w >= 0 && w < W!) values.push(x[(nc * H! + h) * W! + w]!);
          }
        const h0 = oh * s[0] - p[0];
        const w0 = ow * s[1] - p[1];
        const padded = (Math.min(h0 + k[0], H! + p[0]) - h0) * (Math.min(w0 + k[1], W! + p[1]) - w0);
        out[at++] = reduce(values, { padded, valid: values.length });
      }
  return { data: out, shape: [N!, C!, OH, OW] };
}

const poolCase = fc
  .record({
    shape: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
    k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    p: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
    d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    ceil: fc.boolean(),
    layout: fc.constantFrom(...layouts),
    seed: fc.integer(),
  })
  .filter((c) => c.p[0] <= c.k[0] / 2 && c.p[1] <= c.k[1] / 2)
  .filter((c) => [0, 1].every((i) => c.shape[2 + i]! + 2 * c.p[i]! >= c.d[i]! * (c.k[i]! - 1) + 1));

describe("pooling against naive loops", () => {
  it("max_pool2d matches for random windows, dilation, ceil_mode and layouts", () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const x = randomTensor(c.shape, c.seed, c.layout);
        const want = naivePool(x.toTypedArray() as Float32Array, c.shape, c.k, c.s, c.p, c.d, c.ceil, (v) => Math.max(-Infinity, ...v));
        expectAllClose(maxPool2d(x, c.k, c.s, c.p, c.d, c.ceil), want.data, want.shape, 0, 0);
      }),
      { numRuns: 200 },
    );
  });

  it("avg_pool2d matches for random windows, ceil_mode, count_include_pad and divisor_override", () => {
    fc.assert(
      fc.property(poolCase, fc.boolean(), fc.constantFrom(null, 3), (c, includePad, divisor) => {
        const x = randomTensor(c.shape, c.seed, c.layout);
        const want = naivePool(x.toTypedArray() as Float32Array, c.shape, c.k, c.s, c.p, [1, 1], c.ceil, (v, win) =>
          v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / (divisor ?? (includePad ? win.padded : win.valid)),
        );
        const got = avgPool2d(x, c.k, { stride: c.s, padding: c.p, ceilMode: c.ceil, countIncludePad: includePad, divisorOverride: divisor });
        expectAllClose(got, want.data, want.shape, 1e-6, 1e-5);
      }),
      { numRuns: 200 },
    );
  });

  it("gives hand-checked values", () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => i), { shape: [1, 1, 4, 4] });
    expect(maxPool2d(x, 2).tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(avgPool2d(x, 2).tolist()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    const ones = tensor(new Float32Array(16).fill(1), { shape: [1, 1, 4, 4] });
    // Corner window covers 4 real cells of a 3x3 padded window.
    expect(avgPool2d(ones, 3, 2, 1).toTypedArray()[0]).toBeCloseTo(4 / 9, 6);
    expect(avgPool2d(ones, 3, 2, 1, false, false).toTypedArray()[0]).toBe(1);
    // ceil_mode adds a last window starting at row 3 whose padded extent is 2 (rows 3..4).
    const ceil = avgPool2d(ones, 3, 2, 1, true);
    expect([...ceil.shape]).toEqual([1, 1, 3, 3]);
    expect(ceil.toTypedArray()[8]).toBeCloseTo(1 / 4, 6);
    expect(adaptiveAvgPool2d(x, [1, 1]).tolist()).toEqual([[[[7.5]]]]);
    // Windows for 4 -> 3: [0, 2), [1, 3), [2, 4).
    expect(adaptiveAvgPool2d(x, [1, 3]).tolist()).toEqual([[[[6.5, 7.5, 8.5]]]]);
  });

  it("max_pool2d propagates NaN", () => {
    const x = tensor([[[[1, Number.NaN], [3, 2]]]]);
    expect(Number.isNaN(maxPool2d(x, 2).item())).toBe(true);
  });

  it("adaptive_avg_pool2d matches floor/ceil windows for random sizes, including outputs larger than inputs", () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
        fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 })),
        fc.constantFrom(...layouts),
        fc.integer(),
        ([N, C, H, W], [OH, OW], layout, seed) => {
          const x = randomTensor([N, C, H, W], seed, layout);
          const xv = x.toTypedArray();
          const want = new Float64Array(N * C * OH * OW);
          let at = 0;
          for (let nc = 0; nc < N * C; nc++)
            for (let i = 0; i < OH; i++)
              for (let j = 0; j < OW; j++) {
                const [h0, h1] = [Math.floor((i * H) / OH), Math.ceil(((i + 1) * H) / OH)];
                const [w0, w1] = [Math.floor((j * W) / OW), Math.ceil(((j + 1) * W) / OW)];
                let sum = 0;
                for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += xv[(nc * H + h) * W + w]!;
                want[at++] = sum / ((h1 - h0) * (w1 - w0));
              }
          expectAllClose(adaptiveAvgPool2d(x, [OH, OW]), want, [N, C, OH, OW], 1e-6, 1e-5);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("unbatched inputs and the 1-D variants agree with the 2-D batched ops", () => {
    const x = randomTensor([3, 5, 8], 1);
    const batched = new Tensor(x.storage, [1, 3, 5, 8]);
    expectAllClose(maxPool2d(x, 3, 2, 1), maxPool2d(batched, 3, 2, 1).toTypedArray(), [3, 3, 4], 0, 0);
    expectAllClose(avgPool2d(x, 2), avgPool2d(batched, 2).toTypedArray(), [3, 2, 4], 0, 0);
    expectAllClose(adaptiveAvgPool2d(x, 2), adaptiveAvgPool2d(batched, 2).toTypedArray(), [3, 2, 2], 0, 0);
    const seq = randomTensor([2, 3, 10], 2);
    const asImage = new Tensor(seq.storage, [2, 3, 1, 10]);
    expectAllClose(maxPool1d(seq, 3, 2, 1), maxPool2d(asImage, [1, 3], [1, 2], [0, 1]).toTypedArray(), [2, 3, 5], 0, 0);
    expectAllClose(avgPool1d(seq, 4, { stride: 3, ceilMode: true }), avgPool2d(asImage, [1, 4], [1, 3], 0, true).toTypedArray(), [2, 3, 3], 0, 0);
    expectAllClose(adaptiveAvgPool1d(seq, 4), adaptiveAvgPool2d(asImage, [1, 4]).toTypedArray(), [2, 3, 4], 0, 0);
  });

  it("binds PyTorch's keyword spelling through callOp", () => {
    const x = randomTensor([1, 2, 7, 7], 3);
    const viaCallOp = callOp("max_pool2d", [x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }]) as Tensor;
    expectAllClose(viaCallOp, maxPool2d(x, 3, 2, 1, 1, true).toTypedArray(), [1, 2, 4, 4], 0, 0);
  });
});
