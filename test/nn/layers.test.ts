import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manualSeed, nn, ones, randn, tensor, Tensor, TsjitError } from "../../runtime/index.js";

function expectAllClose(got: Tensor, want: readonly number[], shape: readonly number[], tol = 1e-5): void {
  expect([...got.shape]).toEqual([...shape]);
  const g = got.toTypedArray();
  expect(g.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(g[i]! - w), `element ${i}: got ${g[i]}, want ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
}

function expectError(body: () => unknown, code: string, pattern: RegExp): void {
  let error: unknown;
  try {
    body();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TsjitError);
  expect((error as TsjitError).code).toBe(code);
  expect((error as TsjitError).message).toMatch(pattern);
}

/** Naive y[n, o, i, j] = b[o] + Σ x[n, g*cin + c, i*s - p + kh*d, j*s - p + kw*d] w[o, c, kh, kw]. */
function naiveConv2d(x: Tensor, w: Tensor, b: Tensor | null, stride: number, padding: number, dilation: number, groups: number): { data: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = w.shape as [number, number, number, number];
  const OH = Math.floor((H + 2 * padding - dilation * (KH - 1) - 1) / stride) + 1;
  const OW = Math.floor((W + 2 * padding - dilation * (KW - 1) - 1) / stride) + 1;
  const xs = x.toTypedArray();
  const ws = w.toTypedArray();
  const bs = b?.toTypedArray();
  const data: number[] = [];
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let acc = bs ? bs[o]! : 0;
          const g = Math.floor(o / (O / groups));
          for (let c = 0; c < Cg; c++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const r = i * stride - padding + kh * dilation;
                const s = j * stride - padding + kw * dilation;
                if (r < 0 || r >= H || s < 0 || s >= W) continue;
                acc += xs[((n * C + g * Cg + c) * H + r) * W + s]! * ws[((o * Cg + c) * KH + kh) * KW + kw]!;
              }
          data.push(acc);
        }
  return { data, shape: [N, O, OH, OW] };
}

describe("Linear", () => {
  it("computes x Wᵀ + b", () => {
    const layer = new nn.Linear(3, 2);
    layer.loadStateDict({ weight: tensor([[1, 2, 3], [-1, 0, 1]]), bias: tensor([0.5, -0.5]) });
    expectAllClose(layer.forward(tensor([[1, 1, 1], [2, 0, -1]])), [6.5, -0.5, -0.5, -3.5], [2, 2]);
  });

  it("without bias has only a weight", () => {
    const layer = new nn.Linear(3, 2, { bias: false });
    expect(layer.bias).toBeNull();
    expect([...layer.stateDict().keys()]).toEqual(["weight"]);
  });
});

describe("Conv1d and Conv2d", () => {
  it("Conv2d matches a naive convolution for random configurations (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ groups: fc.integer({ min: 1, max: 2 }), stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 1 }), dilation: fc.integer({ min: 1, max: 2 }), bias: fc.boolean(), seed: fc.integer() }),
        ({ groups, stride, padding, dilation, bias, seed }) => {
          manualSeed(seed);
          const conv = new nn.Conv2d(2 * groups, 2 * groups, 2, { stride, padding, dilation, groups, bias });
          const x = randn(2, 2 * groups, 5, 6);
          const want = naiveConv2d(x, conv.weight, conv.bias, stride, padding, dilation, groups);
          expectAllClose(conv.forward(x), want.data, want.shape, 1e-4);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("Conv1d convolves over the last dim", () => {
    const conv = new nn.Conv1d(1, 1, 2, { padding: 1 });
    conv.loadStateDict({ weight: tensor([[[1, 10]]]), bias: tensor([100]) });
    expectAllClose(conv.forward(tensor([[[1, 2, 3]]])), [110, 121, 132, 103], [1, 1, 4]);
  });
});

describe("pooling", () => {
  const x = tensor([...Array(16).keys()].map(Number), { shape: [1, 1, 4, 4] });

  it("MaxPool2d defaults its stride to the kernel size", () => {
    expectAllClose(new nn.MaxPool2d(2).forward(x), [5, 7, 13, 15], [1, 1, 2, 2]);
    expectAllClose(new nn.MaxPool2d(3, { stride: 1 }).forward(x), [10, 11, 14, 15], [1, 1, 2, 2]);
  });

  it("AvgPool2d and AdaptiveAvgPool2d average windows", () => {
    expectAllClose(new nn.AvgPool2d(2).forward(x), [2.5, 4.5, 10.5, 12.5], [1, 1, 2, 2]);
    expectAllClose(new nn.AdaptiveAvgPool2d(1).forward(x), [7.5], [1, 1, 1, 1]);
    // null keeps the input size along that dim.
    expectAllClose(new nn.AdaptiveAvgPool2d([null, 1]).forward(x), [1.5, 5.5, 9.5, 13.5], [1, 1, 4, 1]);
  });
});

describe("BatchNorm2d", () => {
  // Channel 0 holds 1..4, channel 1 holds 2, 4, 6, 8 (one batch, 2x2 each).
  const x = tensor([1, 2, 3, 4, 2, 4, 6, 8], { shape: [1, 2, 2, 2] });

  it("in training normalizes with batch stats and updates running stats with momentum", () => {
    const bn = new nn.BatchNorm2d(2);
    const y = bn.forward(x);
    const biasedStd0 = Math.sqrt(1.25 + 1e-5);
    expectAllClose(y.reshape(8).narrow(0, 0, 4), [-1.5, -0.5, 0.5, 1.5].map((v) => v / biasedStd0), [4], 1e-4);
    expectAllClose(bn.runningMean!, [0.1 * 2.5, 0.1 * 5], [2]);
    // Running variance uses the unbiased batch variance: 5/3 and 20/3.
    expectAllClose(bn.runningVar!, [0.9 + 0.1 * (5 / 3), 0.9 + 0.1 * (20 / 3)], [2]);
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it("with momentum null keeps a cumulative average", () => {
    const bn = new nn.BatchNorm2d(2, { momentum: null });
    bn.forward(x);
    bn.forward(tensor([3, 3, 3, 3, 0, 0, 0, 0], { shape: [1, 2, 2, 2] }));
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expectAllClose(bn.runningMean!, [(2.5 + 3) / 2, (5 + 0) / 2], [2]);
  });

  it("in eval normalizes with the running stats and leaves them alone", () => {
    const bn = new nn.BatchNorm2d(2, { eps: 0 });
    bn.loadStateDict({ ...Object.fromEntries(bn.stateDict()), running_mean: tensor([1, 2]), running_var: tensor([4, 16]), weight: tensor([2, 1]), bias: tensor([0, 1]) });
    bn.eval();
    expectAllClose(bn.forward(x), [0, 1, 2, 3, 1, 1.5, 2, 2.5], [1, 2, 2, 2]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expectAllClose(bn.runningMean!, [1, 2], [2]);
  });

  it("without running stats always uses batch statistics", () => {
    const bn = new nn.BatchNorm2d(2, { trackRunningStats: false, affine: false }).eval();
    expect([...bn.stateDict().keys()]).toEqual([]);
    const y = bn.forward(x).toTypedArray();
    expect(Math.abs(y[0]! + 1.5 / Math.sqrt(1.25 + 1e-5))).toBeLessThan(1e-4);
  });

  it("checks the input rank", () => {
    expectError(() => new nn.BatchNorm2d(2).forward(ones(2, 2, 2)), "SHAPE_MISMATCH", /BatchNorm2d: expected 4D input \(got 3D input of shape \[2, 2, 2\]\)/);
    expectError(() => new nn.BatchNorm1d(2).forward(ones(2)), "SHAPE_MISMATCH", /BatchNorm1d: expected 2D or 3D input \(got 1D input/);
  });
});

describe("LayerNorm and GroupNorm", () => {
  it("LayerNorm normalizes the trailing dims and applies the affine parameters", () => {
    const ln = new nn.LayerNorm(4, { eps: 0 });
    ln.loadStateDict({ weight: tensor([1, 1, 2, 2]), bias: tensor([0, 0, 0, 1]) });
    const s = Math.sqrt(1.25);
    expectAllClose(ln.forward(tensor([[1, 2, 3, 4]])), [-1.5 / s, -0.5 / s, (2 * 0.5) / s, (2 * 1.5) / s + 1], [1, 4], 1e-5);
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect([...new nn.LayerNorm(4, { bias: false }).stateDict().keys()]).toEqual(["weight"]);
  });

  it("GroupNorm normalizes each group of channels", () => {
    const gn = new nn.GroupNorm(2, 4, { eps: 0 });
    const y = gn.forward(tensor([1, 3, 10, 10, 5, 7, 0, 4], { shape: [1, 4, 2] }));
    // Group 0 = channels 0-1 = [1, 3, 10, 10]: mean 6, biased var (25 + 9 + 16 + 16) / 4 = 16.5.
    const s = Math.sqrt(16.5);
    expectAllClose(y.narrow(1, 0, 2), [-5 / s, -3 / s, 4 / s, 4 / s], [1, 2, 2], 1e-5);
  });
});

describe("activations, Flatten, Identity, Dropout, Embedding", () => {
  const x = tensor([[-2, -0.5, 0, 1.5]]);

  it("activation modules apply their functions", () => {
    expectAllClose(new nn.ReLU().forward(x), [0, 0, 0, 1.5], [1, 4]);
    expectAllClose(new nn.Tanh().forward(x), [-2, -0.5, 0, 1.5].map(Math.tanh), [1, 4]);
    expectAllClose(new nn.Sigmoid().forward(x), [-2, -0.5, 0, 1.5].map((v) => 1 / (1 + Math.exp(-v))), [1, 4]);
    expectAllClose(new nn.SiLU().forward(x), [-2, -0.5, 0, 1.5].map((v) => v / (1 + Math.exp(-v))), [1, 4]);
    expectAllClose(new nn.LeakyReLU(0.1).forward(x), [-0.2, -0.05, 0, 1.5], [1, 4]);
    const tanhGelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expectAllClose(new nn.GELU({ approximate: "tanh" }).forward(x), [-2, -0.5, 0, 1.5].map(tanhGelu), [1, 4]);
    expectAllClose(new nn.GELU().forward(tensor([1])), [0.8413447], [1]);
  });

  it("Softmax uses the given dim, or PyTorch's implicit one", () => {
    const m = tensor([[0, Math.log(3)], [0, 0]]);
    expectAllClose(new nn.Softmax(1).forward(m), [0.25, 0.75, 0.5, 0.5], [2, 2]);
    expectAllClose(new nn.Softmax(0).forward(m), [0.5, 0.75, 0.5, 0.25], [2, 2]);
    // No dim on a 2-D input means dim 1.
    expectAllClose(new nn.Softmax().forward(m), [0.25, 0.75, 0.5, 0.5], [2, 2]);
    expectAllClose(new nn.LogSoftmax(1).forward(m), [Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)], [2, 2]);
  });

  it("Flatten keeps the batch dim by default; Identity returns its input", () => {
    expect([...new nn.Flatten().forward(ones(2, 3, 4)).shape]).toEqual([2, 12]);
    expect([...new nn.Flatten(0, 1).forward(ones(2, 3, 4)).shape]).toEqual([6, 4]);
    expect(new nn.Identity().forward(x)).toBe(x);
  });

  it("Dropout is the identity in eval mode and drops with scaling in train mode", () => {
    const input = ones(2000);
    const dropout = new nn.Dropout(0.25);
    expect(dropout.eval().forward(input).tolist()).toEqual(input.tolist());
    manualSeed(4);
    const values = dropout.train().forward(input).toTypedArray();
    const zeros = values.filter((v) => v === 0).length;
    expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(zeros / 2000).toBeGreaterThan(0.2);
    expect(zeros / 2000).toBeLessThan(0.3);
  });

  it("Embedding looks up rows", () => {
    const emb = new nn.Embedding(3, 2, { paddingIdx: 0 });
    emb.loadStateDict({ weight: tensor([[0, 0], [1, 2], [3, 4]]) });
    expectAllClose(emb.forward(tensor([[2, 1], [0, 2]], { dtype: "int64" })), [3, 4, 1, 2, 0, 0, 3, 4], [2, 2, 2]);
  });
});

describe("constructor argument validation", () => {
  it.each([
    ["Linear in_features", () => new nn.Linear(-1, 2), /Linear: in_features must be a non-negative integer, got -1/],
    ["Linear out_features", () => new nn.Linear(2, 1.5), /Linear: out_features must be a non-negative integer, got 1.5/],
    ["Conv2d groups", () => new nn.Conv2d(3, 16, 3, { stride: 2, padding: 1, groups: 4 }), /Conv2d: in_channels \(3\) must be divisible by groups \(4\)/],
    ["Conv2d out_channels/groups", () => new nn.Conv2d(4, 6, 3, { groups: 4 }), /Conv2d: out_channels \(6\) must be divisible by groups \(4\)/],
    ["Conv2d kernel", () => new nn.Conv2d(1, 1, 0), /Conv2d: kernel_size must be a positive integer, got 0/],
    ["Conv2d kernel arity", () => new nn.Conv2d(1, 1, [1, 2, 3]), /Conv2d: kernel_size must be an int or a list of 2 ints, got \[1, 2, 3\]/],
    ["Conv1d stride", () => new nn.Conv1d(1, 1, 3, { stride: 0 }), /Conv1d: stride must be a positive integer, got 0/],
    ["Conv1d padding", () => new nn.Conv1d(1, 1, 3, { padding: -1 }), /Conv1d: padding must be a non-negative integer, got -1/],
    ["MaxPool2d kernel", () => new nn.MaxPool2d(0), /MaxPool2d: kernel_size must be a positive integer, got 0/],
    ["AvgPool2d divisor", () => new nn.AvgPool2d(2, { divisorOverride: 0 }), /AvgPool2d: divisor_override must be a positive integer, got 0/],
    ["AdaptiveAvgPool2d size", () => new nn.AdaptiveAvgPool2d([1, 2, 3] as unknown as [number, number]), /AdaptiveAvgPool2d: output_size must be an int or a pair, got \[1, 2, 3\]/],
    ["BatchNorm2d features", () => new nn.BatchNorm2d(0), /BatchNorm2d: num_features must be a positive integer, got 0/],
    ["GroupNorm divisibility", () => new nn.GroupNorm(3, 4), /GroupNorm: num_channels \(4\) must be divisible by num_groups \(3\)/],
    ["LayerNorm shape", () => new nn.LayerNorm([2, -3]), /LayerNorm: normalized_shape must be a non-negative integer, got -3/],
    ["Embedding padding_idx", () => new nn.Embedding(10, 3, { paddingIdx: 10 }), /Embedding: padding_idx \(10\) must be an integer within num_embeddings \(10\)/],
    ["Dropout p", () => new nn.Dropout(1.5), /Dropout: dropout probability has to be between 0 and 1, but got 1.5/],
    ["GELU approximate", () => new nn.GELU({ approximate: "fast" as "tanh" }), /GELU: approximate must be "none" or "tanh", got "fast"/],
  ])("%s", (_label, build, pattern) => {
    expectError(build, "INVALID_ARGUMENT", pattern);
  });

  it("ModuleList.append rejects non-modules", () => {
    expectError(() => new nn.ModuleList().append({} as nn.Module), "ARGUMENT_TYPE", /ModuleList.append\(\): expected a Module, got object/);
  });
});
