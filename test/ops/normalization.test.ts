import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchNorm, groupNorm, layerNorm, logSoftmax, softmax, tensor, Tensor } from "../../runtime/index.js";

function expectAllClose(got: Tensor, want: ArrayLike<number>, tolerance = 1e-5): void {
  const g = got.toTypedArray();
  expect(g.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (Number.isNaN(w)) expect(g[i]).toBeNaN();
    else expect(Math.abs(g[i]! - w), `element ${i}: got ${g[i]}, want ${w}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(w)));
  }
}

/** Deterministic test data: a small LCG in [-2, 2). */
function values(n: number, seed = 1): number[] {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 4 - 2;
  });
}

/** Normalizes `xs` by their mean and biased variance. */
function standardize(xs: number[], eps: number): number[] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
  return xs.map((x) => (x - m) / Math.sqrt(v + eps));
}

describe("softmax and logSoftmax", () => {
  it("match the definition along a dim, negative dims included", () => {
    const rows = [
      [1, 2, 3],
      [0, -1, 4],
    ];
    const x = tensor(rows);
    const want = rows.flatMap((row) => {
      const total = row.reduce((s, v) => s + Math.exp(v), 0);
      return row.map((v) => Math.exp(v) / total);
    });
    expectAllClose(softmax(x, 1), want);
    expectAllClose(softmax(x, -1), want);
    expectAllClose(logSoftmax(x, 1), want.map(Math.log));
    expectAllClose(x.softmax(1), want);
    expectAllClose(x.logSoftmax(-1), want.map(Math.log));
  });

  it("are stable for large inputs and -inf entries", () => {
    expectAllClose(softmax(tensor([1000, 1001, 1002]), 0), [0.09003057, 0.24472847, 0.66524096]);
    expectAllClose(logSoftmax(tensor([-1000, 0]), 0), [-1000, 0]);
    expectAllClose(softmax(tensor([0, -Infinity]), 0), [1, 0]);
  });

  it("take a dtype that lets an integer input through", () => {
    const out = softmax(tensor([1, 1], { dtype: "int64" }), 0, { dtype: "float32" });
    expect(out.dtype).toBe("float32");
    expectAllClose(out, [0.5, 0.5]);
  });

  it("read a transposed view along either dim", () => {
    const base = tensor([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const t = new Tensor(base.storage, [2, 3], [1, 2], 0, "float32"); // [[1, 2, 3], [4, 5, 6]]
    expectAllClose(softmax(t, 1), softmax(tensor([[1, 2, 3], [4, 5, 6]]), 1).toTypedArray());
    expectAllClose(softmax(t, 0), softmax(tensor([[1, 2, 3], [4, 5, 6]]), 0).toTypedArray());
  });

  it("property: softmax over any dim of a random tensor matches a naive reference and sums to 1", () => {
    const arb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        dim: fc.integer({ min: -shape.length, max: shape.length - 1 }),
        data: fc.array(fc.float({ min: -20, max: 20, noNaN: true }), {
          minLength: shape.reduce((a, b) => a * b, 1),
          maxLength: shape.reduce((a, b) => a * b, 1),
        }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ shape, dim, data }) => {
        const x = tensor(data, { shape });
        const d = dim < 0 ? dim + shape.length : dim;
        const size = shape[d]!;
        const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
        const want = new Array<number>(data.length);
        for (let start = 0; start < data.length; start++) {
          if (Math.floor(start / inner) % size !== 0) continue;
          const lane = Array.from({ length: size }, (_, k) => start + k * inner);
          const m = Math.max(...lane.map((i) => Math.fround(data[i]!)));
          const total = lane.reduce((s, i) => s + Math.exp(Math.fround(data[i]!) - m), 0);
          for (const i of lane) want[i] = Math.exp(Math.fround(data[i]!) - m) / total;
        }
        expectAllClose(softmax(x, dim), want);
      }),
      { numRuns: 150 },
    );
  });
});

describe("layerNorm", () => {
  it("normalizes over the last dim and applies weight and bias", () => {
    const data = values(12);
    const x = tensor(data, { shape: [3, 4] });
    const weight = tensor([1, 2, 0.5, -1]);
    const bias = tensor([0, 1, -1, 0.25]);
    const want = [0, 1, 2].flatMap((r) => standardize(data.slice(r * 4, r * 4 + 4).map(Math.fround), 1e-5).map((v, j) => v * weight.toTypedArray()[j]! + bias.toTypedArray()[j]!));
    expectAllClose(layerNorm(x, [4], weight, bias), want, 1e-5);
    expectAllClose(layerNorm(x, 4), [0, 1, 2].flatMap((r) => standardize(data.slice(r * 4, r * 4 + 4).map(Math.fround), 1e-5)));
  });

  it("normalizes over several trailing dims, with eps", () => {
    const data = values(24, 7);
    const x = tensor(data, { shape: [2, 3, 4] });
    const want = [0, 1].flatMap((b) => standardize(data.slice(b * 12, b * 12 + 12).map(Math.fround), 0.5));
    expectAllClose(layerNorm(x, [3, 4], null, null, 0.5), want);
  });

  it("reads a transposed input and weight", () => {
    const base = tensor([
      [1, 4],
      [2, 8],
      [3, 0],
    ]);
    const t = new Tensor(base.storage, [2, 3], [1, 2], 0, "float32"); // [[1, 2, 3], [4, 8, 0]]
    const want = [...standardize([1, 2, 3], 1e-5), ...standardize([4, 8, 0], 1e-5)];
    expectAllClose(layerNorm(t, [3]), want);
  });
});

describe("batchNorm", () => {
  const data = values(2 * 3 * 4, 3);
  const x = tensor(data, { shape: [2, 3, 4] });
  const channel = (c: number) => [0, 1].flatMap((n) => data.slice(n * 12 + c * 4, n * 12 + c * 4 + 4).map(Math.fround));

  it("eval mode normalizes with the running statistics and applies the affine", () => {
    const runningMean = tensor([0.5, -1, 0]);
    const runningVar = tensor([2, 0.5, 1]);
    const weight = tensor([1, 3, -1]);
    const bias = tensor([0, 0.5, 2]);
    const out = batchNorm(x, runningMean, runningVar, weight, bias);
    const m = runningMean.toTypedArray();
    const v = runningVar.toTypedArray();
    const w = weight.toTypedArray();
    const b = bias.toTypedArray();
    const want = data.map((value, i) => {
      const c = Math.floor(i / 4) % 3;
      return ((Math.fround(value) - m[c]!) / Math.sqrt(v[c]! + 1e-5)) * w[c]! + b[c]!;
    });
    expectAllClose(out, want);
  });

  it("training mode uses batch statistics and updates the running buffers in place", () => {
    const runningMean = tensor([0, 0, 0]);
    const runningVar = tensor([1, 1, 1]);
    const out = batchNorm(x, runningMean, runningVar, null, null, true, 0.25);
    const want = new Array<number>(data.length);
    for (let c = 0; c < 3; c++) {
      const normalized = standardize(channel(c), 1e-5);
      [0, 1].forEach((n) => normalized.slice(n * 4, n * 4 + 4).forEach((v, j) => (want[n * 12 + c * 4 + j] = v)));
      const xs = channel(c);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const unbiased = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
      expect(runningMean.toTypedArray()[c]).toBeCloseTo(0.25 * m, 6);
      expect(runningVar.toTypedArray()[c]).toBeCloseTo(0.75 + 0.25 * unbiased, 6);
    }
    expectAllClose(out, want);
  });

  it("training mode works without running buffers, on [N, C] input", () => {
    const flat = tensor([
      [1, 10],
      [3, 20],
    ]);
    const [a0, a1] = standardize([1, 3], 1e-5);
    const [b0, b1] = standardize([10, 20], 1e-5);
    expectAllClose(batchNorm(flat, null, null, null, null, true), [a0!, b0!, a1!, b1!]);
  });
});

describe("groupNorm", () => {
  it("normalizes each group of channels per sample, then applies per-channel weight and bias", () => {
    const data = values(2 * 4 * 3, 11);
    const x = tensor(data, { shape: [2, 4, 3] });
    const weight = tensor([1, -2, 0.5, 3]);
    const bias = tensor([0, 1, 2, -1]);
    const w = weight.toTypedArray();
    const b = bias.toTypedArray();
    const want: number[] = [];
    for (let n = 0; n < 2; n++) {
      for (let g = 0; g < 2; g++) {
        const start = n * 12 + g * 6;
        standardize(data.slice(start, start + 6).map(Math.fround), 1e-5).forEach((v, j) => {
          const c = g * 2 + Math.floor(j / 3);
          want.push(v * w[c]! + b[c]!);
        });
      }
    }
    expectAllClose(groupNorm(x, 2, weight, bias), want);
  });

  it("with one group equals layerNorm over all but the batch dim", () => {
    const x = tensor(values(2 * 6 * 2, 5), { shape: [2, 6, 2] });
    expectAllClose(groupNorm(x, 1), layerNorm(x, [6, 2]).toTypedArray());
  });

  it("reads a non-contiguous input", () => {
    // [N=2, C=2, L=2] stored as [C, N, L].
    const stored = tensor([
      [
        [1, 2],
        [5, 6],
      ],
      [
        [3, 4],
        [7, 9],
      ],
    ]);
    const x = new Tensor(stored.storage, [2, 2, 2], [2, 4, 1], 0, "float32");
    const contiguous = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 9],
      ],
    ]);
    expectAllClose(groupNorm(x, 2), groupNorm(contiguous, 2).toTypedArray());
    expectAllClose(groupNorm(x, 1), [...standardize([1, 2, 3, 4], 1e-5), ...standardize([5, 6, 7, 9], 1e-5)]);
  });
});
