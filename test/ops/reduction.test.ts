import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumsum,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  tensor,
  Tensor,
  var as variance,
  zeros,
} from "../../runtime/index.js";

const nan = NaN;

/** A [rows, cols] view of `values` laid out column-major: the transpose of a contiguous [cols, rows]. */
function transposed(values: number[][], dtype: Tensor["dtype"] = "float32"): Tensor {
  const rows = values.length;
  const cols = values[0]!.length;
  const base = tensor(
    Array.from({ length: cols }, (_, c) => values.map((row) => row[c]!)),
    { dtype },
  );
  return new Tensor(base.storage, [rows, cols], [1, rows], 0, dtype);
}

function list(t: Tensor): unknown {
  return t.tolist();
}

describe("sum", () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it("reduces every dim by default, one dim, a dim list, or a negative dim", () => {
    expect(list(sum(x))).toBe(21);
    expect(list(sum(x, 0))).toEqual([5, 7, 9]);
    expect(list(sum(x, -1))).toEqual([6, 15]);
    expect(list(sum(x, [0, 1]))).toEqual(21);
    expect(list(sum(x, [-1, 0]))).toEqual(21);
    expect(list(sum(x, []))).toEqual(21);
  });

  it("keeps reduced dims as size 1 with keepdim", () => {
    expect(sum(x, 1, true).shape).toEqual([2, 1]);
    expect(list(sum(x, 1, true))).toEqual([[6], [15]]);
    expect(sum(x, null, true).shape).toEqual([1, 1]);
    const cube = zeros([2, 3, 4]);
    expect(sum(cube, [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(sum(cube, [0, 2]).shape).toEqual([3]);
  });

  it("sums int32, int64 and bool to int64, and honours dtype", () => {
    const ints = tensor([1, 2, 3], { dtype: "int32" });
    expect(sum(ints).dtype).toBe("int64");
    expect(sum(ints).item()).toBe(6);
    expect(sum(tensor([5, 7], { dtype: "int64" })).dtype).toBe("int64");
    const flags = tensor([true, false, true, true]);
    expect(sum(flags).dtype).toBe("int64");
    expect(sum(flags).item()).toBe(3);
    expect(sum(ints, null, false, { dtype: "float32" }).dtype).toBe("float32");
  });

  it("gives 0 over an empty dim and an empty result over an empty kept dim", () => {
    const e = zeros([2, 0]);
    expect(list(sum(e, 1))).toEqual([0, 0]);
    expect(sum(e).item()).toBe(0);
    expect(sum(e, 0).shape).toEqual([0]);
  });

  it("reads non-contiguous views through their strides", () => {
    const t = transposed([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.isContiguous()).toBe(false);
    expect(list(sum(t, 0))).toEqual([5, 7, 9]);
    expect(list(sum(t, 1))).toEqual([6, 15]);
    // Every other element, starting at offset 1: [1, 3, 5].
    const strided = new Tensor(Float32Array.from([0, 1, 2, 3, 4, 5]), [3], [2], 1);
    expect(sum(strided).item()).toBe(9);
  });

  it("treats a rank-0 tensor as its own sum, with dim 0 or -1 accepted", () => {
    const s = tensor(4);
    expect(s.shape).toEqual([]);
    expect(sum(s).item()).toBe(4);
    expect(sum(s, 0).shape).toEqual([]);
    expect(sum(s, -1, true).shape).toEqual([]);
  });

  it("is a Tensor method", () => {
    expect(list(x.sum(1))).toEqual([6, 15]);
    expect(list(x.sum({ dim: 0, keepdim: true }))).toEqual([[5, 7, 9]]);
  });
});

describe("mean and prod", () => {
  it("mean divides by the reduced count; nan over an empty dim", () => {
    const x = tensor([
      [1, 2],
      [3, 6],
    ]);
    expect(mean(x).item()).toBe(3);
    expect(list(mean(x, 1))).toEqual([1.5, 4.5]);
    expect(list(mean(x, 0, true))).toEqual([[2, 4]]);
    expect(Number.isNaN(mean(zeros([0])).item())).toBe(true);
  });

  it("mean of an int tensor works when a floating dtype is given", () => {
    expect(mean(tensor([1, 2], { dtype: "int64" }), null, false, { dtype: "float32" }).item()).toBe(1.5);
  });

  it("prod multiplies; 1 over an empty dim; ints give int64", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(prod(x).item()).toBe(720);
    expect(list(prod(x, 1))).toEqual([6, 120]);
    expect(list(prod(x, -2, true))).toEqual([[4, 10, 18]]);
    expect(prod(zeros([0])).item()).toBe(1);
    const ints = tensor([2, 3], { dtype: "int32" });
    expect(prod(ints).dtype).toBe("int64");
    expect(prod(ints).item()).toBe(6);
  });
});

describe("max, min, amax, amin, argmax, argmin", () => {
  const x = tensor([
    [3, 7, 7],
    [9, 1, 9],
  ]);

  it("max(dim) returns values and int64 indices, first on ties", () => {
    const [values, indices] = max(x, 1);
    expect(list(values)).toEqual([7, 9]);
    expect(indices.dtype).toBe("int64");
    expect(list(indices)).toEqual([1, 0]);
    const [minValues, minIndices] = min(x, 0, true);
    expect(list(minValues)).toEqual([[3, 1, 7]]);
    expect(list(minIndices)).toEqual([[0, 1, 0]]);
  });

  it("max() and min() reduce everything and keep the dtype", () => {
    expect(max(x).item()).toBe(9);
    expect(min(x).item()).toBe(1);
    expect(max(tensor([2, 5], { dtype: "int32" })).dtype).toBe("int32");
  });

  it("max(other) is the elementwise maximum", () => {
    expect(list(max(tensor([1, 5]), tensor([4, 2])))).toEqual([4, 5]);
    expect(list(min(tensor([1, 5]), tensor([4, 2])))).toEqual([1, 2]);
  });

  it("amax/amin take dim lists and keep the dtype", () => {
    const cube = tensor([
      [
        [1, 8],
        [3, 4],
      ],
      [
        [5, -6],
        [7, 2],
      ],
    ]);
    expect(list(amax(cube, [1, 2]))).toEqual([8, 7]);
    expect(list(amin(cube, [0, -1]))).toEqual([-6, 2]);
    expect(amax(cube).item()).toBe(8);
    expect(amax(cube, [0], true).shape).toEqual([1, 2, 2]);
  });

  it("argmax/argmin index the flattened tensor without dim, first on ties", () => {
    expect(argmax(x).item()).toBe(3);
    expect(argmin(x).item()).toBe(4);
    expect(list(argmax(x, 1))).toEqual([1, 0]);
    expect(list(argmax(x, 1, true))).toEqual([[1], [0]]);
    expect(argmax(x, null, true).shape).toEqual([1, 1]);
    expect(argmax(x).dtype).toBe("int64");
  });

  it("propagates NaN: a NaN is the max and the min, and argmax points at the first NaN", () => {
    const withNaN = tensor([
      [1, nan, 5, nan],
      [2, 4, 3, 0],
    ]);
    const [values, indices] = max(withNaN, 1);
    expect(list(values)).toEqual([nan, 4]);
    expect(list(indices)).toEqual([1, 1]);
    expect(list(amin(withNaN, 1))).toEqual([nan, 0]);
    expect(list(argmin(withNaN, 1))).toEqual([1, 3]);
    expect(Number.isNaN(max(withNaN).item())).toBe(true);
    expect(argmax(withNaN).item()).toBe(1);
  });

  it("handles -inf-only rows and bool inputs", () => {
    expect(list(argmax(tensor([-Infinity, -Infinity]), 0))).toBe(0);
    expect(max(tensor([false, true])).tolist()).toBe(true);
  });

  it("works on a transposed view", () => {
    const t = transposed([
      [3, 7, 7],
      [9, 1, 9],
    ]);
    expect(list(argmax(t, 1))).toEqual([1, 0]);
    expect(list(argmax(t, 0))).toEqual([1, 0, 1]);
    expect(argmax(t).item()).toBe(3);
  });

  it("reduces a non-empty dim of a tensor with another empty dim to an empty result", () => {
    expect(amax(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(max(zeros([0, 3]), 1)[1].shape).toEqual([0]);
  });

  it("are Tensor methods", () => {
    expect(list(x.max(1)[0])).toEqual([7, 9]);
    expect(list(x.max({ dim: 0 })[1])).toEqual([1, 0, 1]);
    expect(x.max().item()).toBe(9);
    expect(x.argmin().item()).toBe(4);
  });
});

describe("var and std", () => {
  const x = tensor([
    [1, 2, 3, 4],
    [2, 2, 2, 2],
  ]);

  it("are unbiased by default, biased with unbiased=false, and take a correction", () => {
    // Row 0: mean 2.5, squared deviations sum to 5.
    expect(list(variance(x, 1))).toEqual([5 / 3, 0].map(Math.fround));
    expect(list(variance(x, 1, { unbiased: false }))).toEqual([1.25, 0]);
    expect(list(variance(x, 1, { correction: 2 }))).toEqual([2.5, 0]);
    expect(std(x, 1, { unbiased: false, keepdim: true }).shape).toEqual([2, 1]);
    expect(std(x, 1, { unbiased: false }).tolist()).toEqual([Math.fround(Math.sqrt(1.25)), 0]);
  });

  it("reduce every dim by default and accept PyTorch's positional unbiased flag", () => {
    // All 8: mean 2.25, squared deviations sum to 5.5.
    expect(variance(x).item()).toBeCloseTo(5.5 / 7, 6);
    expect(x.var(false).item()).toBeCloseTo(5.5 / 8, 6);
    expect(x.std(1, false).tolist()).toEqual([Math.fround(Math.sqrt(1.25)), 0]);
  });

  it("give nan for one element unbiased, as PyTorch does", () => {
    expect(Number.isNaN(variance(tensor([3])).item())).toBe(true);
    expect(variance(tensor([3]), null, { unbiased: false }).item()).toBe(0);
  });

  it("stay accurate for values with a large common offset", () => {
    const big = tensor([1e4 + 1, 1e4 + 2, 1e4 + 3]);
    expect(variance(big).item()).toBeCloseTo(1, 5);
  });
});

describe("logsumexp", () => {
  it("matches log(sum(exp)) on small values", () => {
    const x = tensor([
      [0, 1, 2],
      [-1, 0.5, 3],
    ]);
    const want = [
      [0, 1, 2],
      [-1, 0.5, 3],
    ].map((row) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)));
    const got = logsumexp(x, 1).tolist() as number[];
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    expect(logsumexp(x, [0, 1], true).shape).toEqual([1, 1]);
  });

  it("does not overflow for large inputs and handles infinities", () => {
    expect(logsumexp(tensor([1000, 1000]), 0).item()).toBeCloseTo(1000 + Math.log(2), 3);
    expect(logsumexp(tensor([-Infinity, -Infinity]), 0).item()).toBe(-Infinity);
    expect(logsumexp(tensor([Infinity, 1]), 0).item()).toBe(Infinity);
  });
});

describe("cumsum", () => {
  it("accumulates along a dim, negative dims included", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(list(cumsum(x, 1))).toEqual([
      [1, 3, 6],
      [4, 9, 15],
    ]);
    expect(list(cumsum(x, -2))).toEqual([
      [1, 2, 3],
      [5, 7, 9],
    ]);
  });

  it("gives int64 for int and bool inputs, and reads transposed views", () => {
    const ints = cumsum(tensor([true, true, false, true]), 0);
    expect(ints.dtype).toBe("int64");
    expect(list(ints)).toEqual([1, 2, 2, 3]);
    const t = transposed([
      [1, 2],
      [3, 4],
    ]);
    expect(list(cumsum(t, 1))).toEqual([
      [1, 3],
      [3, 7],
    ]);
  });
});

describe("all and any", () => {
  it("reduce to bool over everything or one dim; NaN counts as true", () => {
    const x = tensor([
      [1, 0],
      [nan, 2],
    ]);
    expect(all(x).dtype).toBe("bool");
    expect(all(x).tolist()).toBe(false);
    expect(any(x).tolist()).toBe(true);
    expect(list(all(x, 1))).toEqual([false, true]);
    expect(list(any(x, 0, true))).toEqual([[true, true]]);
    expect(all(zeros([0])).tolist()).toBe(true);
    expect(any(zeros([0])).tolist()).toBe(false);
  });
});

// ---- properties against naive references --------------------------------------

interface Case {
  shape: number[];
  values: number[];
  dims: number[];
  keepdim: boolean;
  perm: number[];
}

const caseArb: fc.Arbitrary<Case> = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const rank = shape.length;
    return fc.record({
      shape: fc.constant(shape),
      values: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: n, maxLength: n }),
      dims: fc.subarray(Array.from({ length: rank }, (_, d) => d), { minLength: 1 }),
      keepdim: fc.boolean(),
      perm: fc.shuffledSubarray(Array.from({ length: rank }, (_, d) => d), { minLength: rank, maxLength: rank }),
    });
  });

/** `values` (row-major over the *storage* shape) viewed with dims permuted by `perm`: a non-contiguous input. */
function permutedView({ shape, values, perm }: Case): Tensor {
  const base = tensor(values, { shape });
  return new Tensor(
    base.storage,
    perm.map((p) => shape[p]!),
    perm.map((p) => base.strides[p]!),
    0,
    "float32",
  );
}

/** Reduces row-major `data` of `shape` over `dims` by `combine`, visiting elements in row-major order. */
function naiveReduce(data: ArrayLike<number>, shape: number[], dims: number[], init: number, combine: (acc: number, v: number) => number): number[] {
  const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const out = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(init);
  for (let flat = 0; flat < data.length; flat++) {
    let rest = flat;
    let outIndex = 0;
    let outStride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const i = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      if (!dims.includes(d)) outIndex += i * outStride;
      outStride *= outShape[d]!;
    }
    out[outIndex] = combine(out[outIndex]!, data[flat]!);
  }
  return out;
}

describe("properties", () => {
  it("sum and amax over random dims of permuted views match a naive reference", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const view = permutedView(c);
        const logical = Array.from(view.toTypedArray());
        const shape = [...view.shape];
        const keptShape = (keep: boolean) => (keep ? shape.map((s, d) => (c.dims.includes(d) ? 1 : s)) : shape.filter((_, d) => !c.dims.includes(d)));

        const s = sum(view, c.dims, c.keepdim);
        expect([...s.shape]).toEqual(keptShape(c.keepdim));
        expect(Array.from(s.toTypedArray())).toEqual(naiveReduce(logical, shape, c.dims, 0, (a, v) => a + v));

        const m = amax(view, c.dims, c.keepdim);
        expect(Array.from(m.toTypedArray())).toEqual(naiveReduce(logical, shape, c.dims, -Infinity, Math.max));
      }),
      { numRuns: 200 },
    );
  });

  it("max along one dim returns the first index of the maximum", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const view = permutedView(c);
        const logical = Array.from(view.toTypedArray());
        const shape = [...view.shape];
        const dim = c.dims[0]!;
        const [values, indices] = max(view, dim);
        expect(Array.from(values.toTypedArray())).toEqual(naiveReduce(logical, shape, [dim], -Infinity, Math.max));
        // The index: position of the first element equal to the max along the dim.
        const size = shape[dim]!;
        const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
        const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
        const want: number[] = [];
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let best = 0;
            for (let k = 1; k < size; k++) if (logical[(o * size + k) * inner + i]! > logical[(o * size + best) * inner + i]!) best = k;
            want.push(best);
          }
        }
        expect(Array.from(indices.toTypedArray())).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
