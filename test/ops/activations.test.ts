import { describe, expect, it } from "vitest";
import { clamp, dropout, elu, gelu, hardtanh, leakyRelu, manualSeed, relu, silu, softplus, tensor } from "../../runtime/index.js";

const x = [-3, -1, -0.5, 0, 0.5, 1, 3];

function close(got: number[], want: number[], tol = 1e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(tol * (1 + Math.abs(want[i]!))));
}

describe("activations", () => {
  it("relu keeps int dtypes", () => {
    const r = relu(tensor([-2, 3], { dtype: "int64" }));
    expect(r.dtype).toBe("int64");
    expect(r.tolist()).toEqual([0, 3]);
    expect(tensor([-1, 2]).relu().tolist()).toEqual([0, 2]);
  });

  it("gelu: exact and tanh approximation", () => {
    // Phi(1) = 0.8413447460685429, Phi(-1) = 1 - Phi(1)
    close(gelu(tensor([1, -1, 0])).tolist() as number[], [0.8413447460685429, -(1 - 0.8413447460685429), 0]);
    const tanhForm = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    close(gelu(tensor(x), { approximate: "tanh" }).tolist() as number[], x.map(tanhForm));
  });

  it("silu, elu, leaky_relu, hardtanh", () => {
    close(silu(tensor(x)).tolist() as number[], x.map((v) => v / (1 + Math.exp(-v))));
    close(elu(tensor(x), { alpha: 2 }).tolist() as number[], x.map((v) => (v > 0 ? v : 2 * (Math.exp(v) - 1))));
    close(leakyRelu(tensor(x)).tolist() as number[], x.map((v) => (v > 0 ? v : 0.01 * v)));
    close(leakyRelu(tensor(x), 0.2).tolist() as number[], x.map((v) => (v > 0 ? v : 0.2 * v)));
    expect(hardtanh(tensor(x)).tolist()).toEqual([-1, -1, -0.5, 0, 0.5, 1, 1]);
    expect(hardtanh(tensor(x), -2, 0.5).tolist()).toEqual([-2, -1, -0.5, 0, 0.5, 0.5, 0.5]);
  });

  it("softplus with beta and the linear region above threshold", () => {
    const want = (v: number, beta: number, threshold: number) => (v * beta > threshold ? v : Math.log(1 + Math.exp(beta * v)) / beta);
    close(softplus(tensor(x)).tolist() as number[], x.map((v) => want(v, 1, 20)));
    close(softplus(tensor(x), { beta: 2, threshold: 1 }).tolist() as number[], x.map((v) => want(v, 2, 1)));
    expect(softplus(tensor([100])).tolist()).toEqual([100]);
  });
});

describe("clamp", () => {
  it("takes positional bounds, an options object, or a null bound", () => {
    expect(clamp(tensor(x), -1, 1).tolist()).toEqual([-1, -1, -0.5, 0, 0.5, 1, 1]);
    expect(clamp(tensor(x), { max: 0 }).tolist()).toEqual([-3, -1, -0.5, 0, 0, 0, 0]);
    expect(clamp(tensor(x), null, 0).tolist()).toEqual([-3, -1, -0.5, 0, 0, 0, 0]);
    expect(tensor(x).clamp({ min: 0.5 }).tolist()).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 1, 3]);
  });

  it("keeps int dtypes with int bounds (a missing bound is not cast to 0) and promotes with float bounds", () => {
    const ints = tensor([-5, 2, 7], { dtype: "int32" });
    expect(clamp(ints, { max: 3 }).tolist()).toEqual([-5, 2, 3]);
    expect(clamp(ints, { max: 3 }).dtype).toBe("int32");
    const f = clamp(ints, { min: 0.5 });
    expect(f.dtype).toBe("float32");
    expect(f.tolist()).toEqual([0.5, 2, 7]);
  });

  it("min > max gives max everywhere; nan propagates", () => {
    expect(clamp(tensor([0, 5, NaN]), 3, 1).tolist()).toEqual([1, 1, NaN]);
  });
});

describe("dropout", () => {
  it("returns the input when not training or p = 0", () => {
    const t = tensor([1, 2, 3]);
    expect(dropout(t, 0.5, false)).toBe(t);
    expect(dropout(t, 0)).toBe(t);
  });

  it("zeroes about p of the elements and scales the rest by 1 / (1 - p), repeatably under manualSeed", () => {
    const n = 20000;
    const ones = tensor(new Array<number>(n).fill(1));
    manualSeed(7);
    const r = dropout(ones, 0.25).tolist() as number[];
    const zeros = r.filter((v) => v === 0).length;
    expect(r.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    // Binomial(20000, 0.25): sd is about 61, so 5 sd is about 300.
    expect(Math.abs(zeros - n * 0.25)).toBeLessThan(300);
    manualSeed(7);
    expect(dropout(ones, 0.25).tolist()).toEqual(r);
  });

  it("p = 1 zeroes everything (no inf * 0 nan)", () => {
    expect(dropout(tensor([1, 2, 3]), 1).tolist()).toEqual([0, 0, 0]);
  });
});
