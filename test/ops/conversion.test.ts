import { describe, expect, it } from "vitest";
import { tensor, Tensor } from "../../runtime/index.js";

describe("to(dtype), contiguous, clone", () => {
  it("converts like PyTorch: floats truncate toward zero into integers, nonzero is true", () => {
    const x = tensor([2.7, -2.7, 0, 0.5]);
    expect(x.to("int64").tolist()).toEqual([2, -2, 0, 0]);
    expect(x.long().tolist()).toEqual([2, -2, 0, 0]);
    expect(x.int().tolist()).toEqual([2, -2, 0, 0]);
    expect(x.bool().tolist()).toEqual([true, true, false, true]);
    expect(tensor([true, false]).float().tolist()).toEqual([1, 0]);
  });

  it("returns the same tensor when nothing changes, unless asked to copy", () => {
    const x = tensor([1, 2]);
    expect(x.to("float32")).toBe(x);
    expect(x.to("float32", { copy: true })).not.toBe(x);
    expect(x.contiguous()).toBe(x);
    expect(x.clone()).not.toBe(x);
    expect(x.clone().storage).not.toBe(x.storage);
  });

  it("makes a transposed view row-major", () => {
    const base = tensor([[1, 2, 3], [4, 5, 6]]);
    const transposed = new Tensor(base.storage, [3, 2], [1, 3], 0, "float32");
    expect(transposed.isContiguous()).toBe(false);
    const c = transposed.contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(Array.from(c.storage)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it("rejects an unknown dtype by name", () => {
    expect(() => tensor([1]).to("float64" as never)).toThrow(/to\(\): argument 'dtype' must be ScalarType, got "float64"/);
  });
});
