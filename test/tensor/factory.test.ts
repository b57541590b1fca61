import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { arange, full, manualSeed, ones, rand, randn, tensor, TsjitError, zeros, zerosLike } from "../../runtime/index.js";

describe("tensor()", () => {
  it("infers shape and dtype from nested arrays", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(t.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([true, false]).dtype).toBe("bool");
    expect(tensor(5).shape).toEqual([]);
  });

  it("takes typed arrays with their dtype and an optional shape", () => {
    expect(tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] }).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(new Int32Array([1])).dtype).toBe("int32");
    expect(tensor(new BigInt64Array([5n, -7n])).tolist()).toEqual([5, -7]);
    expect(tensor(new BigInt64Array([5n])).dtype).toBe("int64");
  });

  it("round-trips any nested float32 data through tolist", () => {
    const matrix = fc.integer({ min: 1, max: 4 }).chain((cols) =>
      fc.array(fc.array(fc.float({ noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(fc.property(matrix, (rows) => {
      expect(tensor(rows).tolist()).toEqual(rows.map((r) => r.map((v) => Math.fround(v))));
    }));
  });

  it("rejects ragged data, non-numbers, unsafe int64 and a wrong shape with TsjitErrors", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor\(\): ragged data: data\[1\] should be an array of length 2/);
    expect(() => tensor([1, "a" as never])).toThrow(/expected a number or boolean at data\[1\], got string/);
    expect(() => tensor(new BigInt64Array([2n ** 60n]))).toThrow(/int64 element 0 .* outside the exactly representable range/);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/shape \[2, 2\] holds 4 elements but the data has 3/);
    expect(() => tensor([[1, 2], [3]])).toThrow(TsjitError);
  });
});

describe("creation ops", () => {
  it("accept sizes as varargs or a list, and a dtype option", () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(zeros([2, 3]).shape).toEqual([2, 3]);
    expect(ones([2], { dtype: "int64" }).tolist()).toEqual([1, 1]);
    expect(full([2], 7).tolist()).toEqual([7, 7]);
    expect(full([1], true).dtype).toBe("bool");
    expect(zerosLike(tensor([[1, 2]], { dtype: "int32" })).dtype).toBe("int32");
  });

  it("arange follows torch.arange's length and dtype rules", () => {
    expect(arange(5).dtype).toBe("int64");
    expect(arange(1, 2, 0.25).tolist()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(10, 0, -3).tolist()).toEqual([10, 7, 4, 1]);
    expect(arange(0, 1, 0.3).numel()).toBe(4);
    expect(() => arange(0, 5, 0)).toThrow(/arange\(\): step must be nonzero/);
    expect(() => arange(5, 0, 1)).toThrow(/arange\(\): upper bound and larger bound inconsistent with step sign/);
  });

  it("manualSeed makes rand and randn repeat exactly", () => {
    manualSeed(42);
    const a = [rand(5).tolist(), randn(7).tolist()];
    manualSeed(42);
    expect([rand(5).tolist(), randn(7).tolist()]).toEqual(a);
    manualSeed(43);
    expect(rand(5).tolist()).not.toEqual(a[0]);
  });

  it("draws rand from [0, 1) and randn with mean 0 and variance 1", () => {
    manualSeed(7);
    const u = rand(20000).toTypedArray();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const n = Array.from(randn(20000).toTypedArray());
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const variance = n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("rejects negative or fractional sizes", () => {
    expect(() => zeros(-1)).toThrow(/zeros\(\): size must be a list of non-negative integers, got \[-1\]/);
    expect(() => zeros(1.5)).toThrow(/zeros\(\): argument 'size' must be int\[\], got 1.5/);
  });
});

describe("reading tensors", () => {
  it("item() needs exactly one element and names the shape otherwise", () => {
    expect(tensor([[2.5]]).item()).toBe(2.5);
    expect(() => tensor([1, 2]).item()).toThrow(/item\(\): a Tensor with 2 elements \(shape \[2\]\) cannot be converted/);
  });

  it("one-element tensors take part in JS comparisons; others refuse", () => {
    expect((tensor([0.75]) as unknown as number) > 0.5).toBe(true);
    expect(() => (tensor([1, 2]) as unknown as number) > 0).toThrow(/a Tensor of shape \[2\] was used as a number/);
  });

  it("size, stride, dim and numel describe the layout", () => {
    const t = zeros(2, 3, 4);
    expect(t.size()).toEqual([2, 3, 4]);
    expect(t.size(-1)).toBe(4);
    expect(t.stride()).toEqual([12, 4, 1]);
    expect(t.dim()).toBe(3);
    expect(t.numel()).toBe(24);
    expect(t.isContiguous()).toBe(true);
    expect(() => t.size(3)).toThrow(/size\(\): dim 3 is out of range for a tensor of rank 3/);
  });
});
