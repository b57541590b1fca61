import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abs, ceil, erf, exp, expm1, floor, log1p, neg, round, rsqrt, sigmoid, sign, square, tensor, Tensor } from "../../runtime/index.js";
import { erf as erfScalar } from "../../runtime/kernels/js/elementwiseMath.js";

describe("unary math", () => {
  it("int and bool inputs to real functions give float32", () => {
    const r = exp(tensor([0, 1], { dtype: "int64" }));
    expect(r.dtype).toBe("float32");
    expect(r.tolist()).toEqual([1, Math.fround(Math.E)]);
    expect(sigmoid(tensor([true, false])).dtype).toBe("float32");
    expect(rsqrt(tensor([4], { dtype: "int32" })).tolist()).toEqual([0.5]);
  });

  it("abs, neg, floor, ceil, round, sign and square keep int dtypes", () => {
    const x = tensor([-3, 0, 5], { dtype: "int32" });
    for (const f of [abs, neg, floor, ceil, round, sign, square]) expect(f(x).dtype).toBe("int32");
    expect(abs(x).tolist()).toEqual([3, 0, 5]);
    expect(neg(x).tolist()).toEqual([3, 0, -5]);
    expect(sign(x).tolist()).toEqual([-1, 0, 1]);
    expect(square(x).tolist()).toEqual([9, 0, 25]);
    expect(square(tensor([true, false])).dtype).toBe("int64");
  });

  it("round is half to even", () => {
    expect(round(tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6])).tolist()).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
  });

  it("sign of nan is 0, as PyTorch's (0 < x) - (x < 0)", () => {
    expect(sign(tensor([NaN, -2, 3])).tolist()).toEqual([0, -1, 1]);
  });

  it("log1p and expm1 are accurate near zero", () => {
    expect(log1p(tensor([1e-7])).item()).toBeCloseTo(1e-7 - 5e-15, 12);
    expect(expm1(tensor([1e-7])).item()).toBeCloseTo(1e-7, 12);
  });

  it("methods are installed", () => {
    const x = tensor([[1, -4]]);
    expect(x.abs().sqrt().tolist()).toEqual([[1, 2]]);
    expect(x.neg().exp().log().tolist()).toEqual([[-1, 4]]);
  });

  it("works on a transposed view", () => {
    const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0, "float32");
    expect(square(t).tolist()).toEqual([
      [1, 16],
      [4, 25],
      [9, 36],
    ]);
  });
});

describe("erf", () => {
  // Reference values of erf (Abramowitz & Stegun table 7.1 / any CAS), to 15+ digits.
  const known: [number, number][] = [
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
  ];
  it("matches reference values to 1e-14", () => {
    for (const [x, want] of known) {
      expect(Math.abs(erfScalar(x) - want)).toBeLessThan(1e-14);
      expect(Math.abs(erfScalar(-x) + want)).toBeLessThan(1e-14);
    }
    expect(erfScalar(0)).toBe(0);
    expect(erfScalar(Infinity)).toBe(1);
    expect(erfScalar(-Infinity)).toBe(-1);
    expect(erfScalar(NaN)).toBeNaN();
  });

  it("is odd, monotone, and the series and continued fraction agree where they meet", () => {
    fc.assert(
      fc.property(fc.double({ min: -7, max: 7, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, dx) => {
        expect(erfScalar(-x)).toBe(-erfScalar(x));
        expect(erfScalar(x + dx)).toBeGreaterThanOrEqual(erfScalar(x) - 1e-16);
      }),
    );
    expect(Math.abs(erfScalar(2.4999999999) - erfScalar(2.5))).toBeLessThan(1e-12);
  });

  it("gives float32 for int input", () => {
    expect(erf(tensor([0, 1], { dtype: "int64" })).tolist()).toEqual([0, Math.fround(0.8427007929497149)]);
  });
});
