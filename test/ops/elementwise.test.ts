import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as tsjit from "../../runtime/index.js";
import { add, div, eq, gt, logicalAnd, logicalNot, logicalOr, maximum, minimum, mul, pow, remainder, sub, tensor, Tensor, where } from "../../runtime/index.js";

/** A [rows, cols] tensor whose storage holds its transpose, so it is not contiguous. */
function transposedView(values: number[][]): Tensor {
  const rows = values.length;
  const cols = values[0]!.length;
  const storage = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) storage[c * rows + r] = values[r]![c]!;
  return new Tensor(storage, [rows, cols], [1, rows], 0, "float32");
}

describe("binary ops: type promotion", () => {
  it("int32 + int32 stays int32 and wraps like int32", () => {
    const a = tensor([1, 2, 2147483647], { dtype: "int32" });
    const r = add(a, tensor([2, 3, 1], { dtype: "int32" }));
    expect(r.dtype).toBe("int32");
    expect(r.tolist()).toEqual([3, 5, -2147483648]);
  });

  it("int32 * int32 wraps exactly even when the true product exceeds 2^53", () => {
    const big = 2147483647;
    // (2^31 - 1)^2 = 2^62 - 2^32 + 1, which is 1 modulo 2^32.
    expect(mul(tensor([big, 65536], { dtype: "int32" }), tensor([big, 65536], { dtype: "int32" })).tolist()).toEqual([1, 0]);
  });

  it("int32 tensor with an int scalar stays int32; with a float scalar becomes float32", () => {
    const a = tensor([1, 2], { dtype: "int32" });
    expect(a.add(2).dtype).toBe("int32");
    expect(a.add(2).tolist()).toEqual([3, 4]);
    const f = add(a, 0.5);
    expect(f.dtype).toBe("float32");
    expect(f.tolist()).toEqual([1.5, 2.5]);
  });

  it("int64 * 0.5 is float32", () => {
    const r = mul(tensor([3, -4], { dtype: "int64" }), 0.5);
    expect(r.dtype).toBe("float32");
    expect(r.tolist()).toEqual([1.5, -2]);
  });

  it("bool + int tensor promotes to the int dtype; bool + bool is logical or; bool * bool stays bool", () => {
    const b = tensor([true, false, true]);
    const r = add(b, tensor([1, 1, 1], { dtype: "int32" }));
    expect(r.dtype).toBe("int32");
    expect(r.tolist()).toEqual([2, 1, 2]);
    expect(add(b, b).dtype).toBe("bool");
    expect(add(b, b).tolist()).toEqual([true, false, true]);
    expect(mul(b, tensor([true, true, false])).tolist()).toEqual([true, false, false]);
    expect(maximum(b, tensor([false, true, false])).tolist()).toEqual([true, true, true]);
  });

  it("a zero-dim tensor does not raise the dtype of a dimensioned tensor of the same category", () => {
    const zeroDim = tensor(3, { dtype: "int64" });
    expect(add(tensor([1, 2], { dtype: "int32" }), zeroDim).dtype).toBe("int32");
    expect(add(tensor([1, 2], { dtype: "int32" }), tensor(0.5)).dtype).toBe("float32");
  });

  it("int32 + int64 tensors give int64; int + float tensors give float32", () => {
    expect(add(tensor([1], { dtype: "int32" }), tensor([1], { dtype: "int64" })).dtype).toBe("int64");
    expect(sub(tensor([1], { dtype: "int64" }), tensor([0.25])).tolist()).toEqual([0.75]);
  });

  it("alpha scales other", () => {
    expect(add(tensor([1, 2]), tensor([10, 20]), { alpha: 2 }).tolist()).toEqual([21, 42]);
    expect(sub(tensor([1, 2], { dtype: "int32" }), 1, { alpha: 3 }).tolist()).toEqual([-2, -1]);
  });
});

describe("div, remainder, pow", () => {
  it("true division of ints is float32", () => {
    const r = div(tensor([7, -7], { dtype: "int64" }), 2);
    expect(r.dtype).toBe("float32");
    expect(r.tolist()).toEqual([3.5, -3.5]);
  });

  it("rounding modes keep the integer dtype; trunc rounds toward zero, floor down", () => {
    const a = tensor([7, -7, 6], { dtype: "int64" });
    const t = div(a, 2, { roundingMode: "trunc" });
    expect(t.dtype).toBe("int64");
    expect(t.tolist()).toEqual([3, -3, 3]);
    expect(div(a, 2, { roundingMode: "floor" }).tolist()).toEqual([3, -4, 3]);
    expect(div(tensor([7.5, -7.5]), tensor([2, 2]), { roundingMode: "floor" }).tolist()).toEqual([3, -4]);
    expect(div(tensor([7.5, -7.5]), 2, { roundingMode: "trunc" }).tolist()).toEqual([3, -3]);
  });

  it("float division by zero gives inf and nan", () => {
    const r = div(tensor([1, -1, 0]), 0).tolist() as number[];
    expect(r[0]).toBe(Infinity);
    expect(r[1]).toBe(-Infinity);
    expect(r[2]).toBeNaN();
  });

  it("remainder takes the sign of the divisor, for ints and floats", () => {
    expect(remainder(tensor([5, -5, 5, -5], { dtype: "int32" }), tensor([3, 3, -3, -3], { dtype: "int32" })).tolist()).toEqual([2, 1, -1, -2]);
    expect(remainder(tensor([5.5, -5.5]), 2).tolist()).toEqual([1.5, 0.5]);
    expect(tensor([-1]).remainder(3).tolist()).toEqual([2]);
  });

  it("pow with scalar or tensor exponents, a scalar base, and integers", () => {
    expect(pow(tensor([1, 2, 3]), 2).tolist()).toEqual([1, 4, 9]);
    expect(pow(tensor([4, 9]), tensor([0.5, 0.5])).tolist()).toEqual([2, 3]);
    expect(pow(2, tensor([1, 3])).tolist()).toEqual([2, 8]);
    const ints = pow(tensor([2, 3], { dtype: "int64" }), 3);
    expect(ints.dtype).toBe("int64");
    expect(ints.tolist()).toEqual([8, 27]);
    expect(pow(tensor([2], { dtype: "int64" }), 0.5).dtype).toBe("float32");
    // C pow semantics: 1 ** nan is 1.
    expect(pow(tensor([1]), NaN).tolist()).toEqual([1]);
  });
});

describe("comparisons and logical ops give bool", () => {
  it("compares across dtypes after promotion", () => {
    const r = gt(tensor([1, 2, 3], { dtype: "int32" }), 1.5);
    expect(r.dtype).toBe("bool");
    expect(r.tolist()).toEqual([false, true, true]);
    expect(eq(tensor([0.1]), 0.1).tolist()).toEqual([true]);
    expect(tensor([1, 2]).le(tensor([[2], [1]])).tolist()).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(tensor([NaN]).ne(tensor([NaN])).tolist()).toEqual([true]);
  });

  it("logical ops treat nonzero (and NaN) as true", () => {
    const a = tensor([0, 2, NaN, 0]);
    const b = tensor([1, 0, 1, 0], { dtype: "int32" });
    expect(logicalAnd(a, b).tolist()).toEqual([false, false, true, false]);
    expect(logicalOr(a, b).tolist()).toEqual([true, true, true, false]);
    expect(logicalNot(a).tolist()).toEqual([true, false, false, true]);
    expect(a.logicalNot().dtype).toBe("bool");
  });
});

describe("where", () => {
  it("selects with broadcasting and promotes its branches", () => {
    const cond = tensor([[true], [false]]);
    const r = where(cond, tensor([1, 2, 3], { dtype: "int32" }), 0.5);
    expect(r.dtype).toBe("float32");
    expect(r.tolist()).toEqual([
      [1, 2, 3],
      [0.5, 0.5, 0.5],
    ]);
    expect(where(tensor([true, false]), 1, 0).dtype).toBe("int64");
    expect(where(tensor([true, false]), 1, 0).tolist()).toEqual([1, 0]);
  });
});

describe("broadcasting corners", () => {
  it("rank-0 with rank-0 gives rank 0", () => {
    const r = add(tensor(2), tensor(3));
    expect(r.shape).toEqual([]);
    expect(r.item()).toBe(5);
  });

  it("[1] with [3, 1] gives [3, 1]", () => {
    const r = mul(tensor([2]), tensor([[1], [2], [3]]));
    expect(r.shape).toEqual([3, 1]);
    expect(r.tolist()).toEqual([[2], [4], [6]]);
  });

  it("size-0 dims broadcast against 1 and give empty results", () => {
    const empty = new Tensor(new Float32Array(0), [0, 3], [3, 1], 0, "float32");
    const r = add(empty, tensor([[1, 2, 3]]));
    expect(r.shape).toEqual([0, 3]);
    expect(r.numel()).toBe(0);
    expect(tsjit.exp(empty).shape).toEqual([0, 3]);
  });

  it("reads transposed and offset views correctly", () => {
    const values = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const t = transposedView(values);
    expect(t.isContiguous()).toBe(false);
    expect(add(t, tensor([10, 20, 30])).tolist()).toEqual([
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expect(tsjit.neg(t).tolist()).toEqual([
      [-1, -2, -3],
      [-4, -5, -6],
    ]);
    // Row 1 of a [2, 3] storage, read with a step of 2: [4, 6].
    const sliced = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2], [2], 3, "float32");
    expect(sub(sliced, 1).tolist()).toEqual([3, 5]);
  });
});

/** Naive reference: index arithmetic per output element, independent of the kernels' row iteration. */
function referenceBinary(a: Tensor, b: Tensor, op: (x: number, y: number) => number): { shape: number[]; data: number[] } {
  const rank = Math.max(a.ndim, b.ndim);
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const shape = sa.map((d, i) => Math.max(d, sb[i]!));
  const aData = a.toTypedArray();
  const bData = b.toTypedArray();
  const flatIndex = (index: number[], s: number[]) => index.reduce((acc, v, i) => acc * s[i]! + (s[i] === 1 ? 0 : v), 0);
  const data: number[] = [];
  const total = shape.reduce((x, y) => x * y, 1);
  for (let n = 0; n < total; n++) {
    const index: number[] = [];
    let rest = n;
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    data.push(Math.fround(op(aData[flatIndex(index, sa)]!, bData[flatIndex(index, sb)]!)));
  }
  return { shape, data };
}

/** Two broadcastable shapes: a common shape with some dims set to 1 or dropped from the front. */
const broadcastablePair = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.nat({ max: shape.length }),
      fc.nat({ max: shape.length }),
    ),
  )
  .map(([shape, onesA, onesB, dropA, dropB]) => [
    shape.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA),
    shape.map((d, i) => (onesB[i] ? 1 : d)).slice(dropB),
  ]);

/** Deterministic values in halves; with `transpose`, stored with the last two dims swapped (a strided view). */
function filled(shape: number[], seed: number, transpose: boolean): Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  const values = Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed + i * 1.7) * 8) / 2);
  const r = shape.length;
  if (!transpose || r < 2) return tensor(values, { shape });
  const base = tensor(values, { shape: [...shape.slice(0, r - 2), shape[r - 1]!, shape[r - 2]!] });
  const strides = [...base.strides.slice(0, r - 2), base.strides[r - 1]!, base.strides[r - 2]!];
  return new Tensor(base.storage, shape, strides, 0, "float32");
}

describe("binary kernel property: matches a naive per-element reference", () => {
  const ops: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ["add", (a, b) => add(a, b), (x, y) => x + y],
    ["mul", (a, b) => mul(a, b), (x, y) => x * y],
    ["maximum", (a, b) => maximum(a, b), (x, y) => Math.max(x, y)],
    ["minimum", (a, b) => minimum(a, b), (x, y) => Math.min(x, y)],
    ["sub alpha", (a, b) => sub(a, b, { alpha: 0.5 }), (x, y) => x - 0.5 * y],
  ];
  for (const [name, run, reference] of ops) {
    it(name, () => {
      fc.assert(
        fc.property(broadcastablePair, fc.integer(), fc.boolean(), fc.boolean(), ([sa, sb], seed, ta, tb) => {
          const a = filled(sa!, seed, ta);
          const b = filled(sb!, seed + 1, tb);
          const want = referenceBinary(a, b, reference);
          const got = run(a, b);
          expect([...got.shape]).toEqual(want.shape);
          expect([...got.toTypedArray()]).toEqual(want.data);
          // Strided and contiguous inputs agree.
          expect([...run(a.contiguous(), b.contiguous()).toTypedArray()]).toEqual(want.data);
        }),
        { numRuns: 150 },
      );
    });
  }
});
