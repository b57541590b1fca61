import { describe, expect, it } from "vitest";
import { arange, tensor, zeros } from "../../runtime/index.js";

// Expected strings are what PyTorch 1.13 prints for the same tensors.
describe("Tensor.toString prints like PyTorch", () => {
  const cases: [string, () => string, string][] = [
    ["aligned fixed-point matrix", () => tensor([[1.5, -2], [3, 4]]).toString(), "tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]])"],
    ["integral floats", () => zeros(2, 3).toString(), "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"],
    ["integral floats aligned", () => tensor([0, 10]).toString(), "tensor([ 0., 10.])"],
    ["scientific when magnitudes spread", () => tensor([1e-5, 1e3]).toString(), "tensor([1.0000e-05, 1.0000e+03])"],
    ["scientific for spread integers", () => tensor([1, 2000]).toString(), "tensor([1.0000e+00, 2.0000e+03])"],
    ["zero-dim", () => tensor(3.25).toString(), "tensor(3.2500)"],
    ["int64 has no dtype suffix", () => arange(5).toString(), "tensor([0, 1, 2, 3, 4])"],
    ["negative ints aligned", () => tensor([-1, 2], { dtype: "int64" }).toString(), "tensor([-1,  2])"],
    ["int32 names its dtype", () => tensor([1, 2], { dtype: "int32" }).toString(), "tensor([1, 2], dtype=torch.int32)"],
    ["bool", () => tensor([true, false]).toString(), "tensor([ True, False])"],
    ["empty 1-D", () => zeros(0).toString(), "tensor([])"],
    ["empty 2-D shows its size", () => zeros(0, 3).toString(), "tensor([], size=(0, 3))"],
    ["nan takes the width of the finite values", () => tensor([NaN, 1.5]).toString(), "tensor([   nan, 1.5000])"],
    ["only zeros and nan", () => tensor([0, NaN]).toString(), "tensor([0., nan])"],
    ["3-D blocks separated by a blank line", () => zeros(2, 1, 2).toString(), "tensor([[[0., 0.]],\n\n        [[0., 0.]]])"],
    [
      "summarised past 1000 elements",
      () => arange(2000).toString(),
      "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
    ],
    [
      "long rows wrap at 80 columns",
      () => arange(30).toString(),
      "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])",
    ],
  ];
  for (const [name, print, expected] of cases) {
    it(name, () => expect(print()).toBe(expected));
  }

  it("String(x) and template literals use the same text", () => {
    const x = tensor([1.5]);
    expect(`${x}`).toBe("tensor([1.5000])");
    expect(String(x)).toBe(x.toString());
  });
});
