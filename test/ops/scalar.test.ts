import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, lt, neg, resolveCall, tensor, TsjitError } from "../../runtime/index.js";
import { runOp } from "../../runtime/ops/dispatch.js";
import { nodeKindOf, opOfKind } from "../../runtime/ir/opKinds.js";

function run(kind: string, ...args: unknown[]): unknown {
  return runOp(opOfKind(kind), args);
}

describe("scalar ops", () => {
  it("size.int reads one dimension, negative dims counting from the end", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(run("aten::size.int", x, 0)).toBe(2);
    expect(run("aten::size.int", x, 1)).toBe(3);
    expect(run("aten::size.int", x, -1)).toBe(3);
    expect(() => run("aten::size.int", x, 2)).toThrow(TsjitError);
  });

  it("Bool/Float/Int.Tensor convert one-element tensors and reject others", () => {
    expect(run("aten::Bool.Tensor", tensor([0.0]))).toBe(false);
    expect(run("aten::Bool.Tensor", tensor(0.25))).toBe(true);
    expect(run("aten::Float.Tensor", tensor([[0.5]]))).toBe(0.5);
    expect(run("aten::Int.Tensor", tensor(-2.75))).toBe(-2);
    expect(run("aten::Int.Tensor", tensor(2.75))).toBe(2);
    expect(() => run("aten::Bool.Tensor", tensor([1, 2]))).toThrow(/Bool\(\): a Tensor with 2 elements \(shape \[2\]\)/);
  });

  it("int and float arithmetic; div is true division; floordiv and remainder follow Python", () => {
    expect(run("aten::add.int", 2, 3)).toBe(5);
    expect(run("aten::sub.float", 0.5, 2)).toBe(-1.5);
    expect(run("aten::mul.int", -4, 3)).toBe(-12);
    expect(run("aten::div.int", 7, 2)).toBe(3.5);
    expect(run("aten::div.float", 1, 4)).toBe(0.25);
    expect(run("aten::neg.int", 3)).toBe(-3);
    expect(run("aten::floordiv.int", -7, 2)).toBe(-4);
    expect(run("aten::floordiv.int", 7, -2)).toBe(-4);
    expect(run("aten::remainder.int", -7, 3)).toBe(2);
    expect(run("aten::remainder.int", 7, -3)).toBe(-2);
    expect(run("aten::remainder.int", 6, 3)).toBe(0);
    expect(() => run("aten::floordiv.int", 1, 0)).toThrow(/division by zero/);
  });

  it("floordiv and remainder satisfy a == b * (a // b) + a % b with |a % b| < |b|", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -50, max: 50 }).filter((b) => b !== 0), (a, b) => {
        const q = run("aten::floordiv.int", a, b) as number;
        const r = run("aten::remainder.int", a, b) as number;
        expect(b * q + r).toBe(a);
        expect(Math.abs(r)).toBeLessThan(Math.abs(b));
        expect(r === 0 || Math.sign(r) === Math.sign(b)).toBe(true);
      }),
    );
  });

  it("comparisons and boolean logic", () => {
    expect(run("aten::lt.int", 1, 2)).toBe(true);
    expect(run("aten::ge.float", 1, 2)).toBe(false);
    expect(run("aten::eq.int", 2, 2)).toBe(true);
    expect(run("aten::ne.float", 2, 2)).toBe(false);
    expect(run("aten::eq.str", "a", "a")).toBe(true);
    expect(run("aten::__not__", true)).toBe(false);
    expect(run("aten::__and__.bool", true, false)).toBe(false);
    expect(run("aten::__or__.bool", true, false)).toBe(true);
  });

  it("list ops: len and __getitem__ with negative indices", () => {
    const a = tensor([1]);
    const b = tensor([2]);
    expect(run("aten::len.t", [a, b])).toBe(2);
    expect(run("aten::len.Tensor", tensor([[1, 2], [3, 4], [5, 6]]))).toBe(3);
    expect(run("aten::__getitem__.t", [a, b], 1)).toBe(b);
    expect(run("aten::__getitem__.t", [a, b], -2)).toBe(a);
    expect(() => run("aten::__getitem__.t", [a, b], 2)).toThrow(/list index 2 is out of range for a list of 2/);
  });

  it("node kinds resolve to the scalar overloads and back", () => {
    for (const kind of ["aten::add.int", "aten::Bool.Tensor", "aten::__not__", "aten::size.int", "aten::__getitem__.t"]) {
      expect(nodeKindOf(opOfKind(kind))).toBe(kind);
    }
    expect(opOfKind("aten::lt.float").parsed.returns[0]!.type.kind).toBe("bool");
  });

  it("do not change eager dispatch of tensor calls", () => {
    const x = tensor([1, 2]);
    expect(resolveCall("add", [x, x]).op.parsed.overload).toBe("Tensor");
    expect(resolveCall("add", [x, 2]).op.parsed.overload).toBe("Scalar");
    expect(resolveCall("lt", [x, 1]).op.parsed.overload).toBe("Scalar");
    expect(resolveCall("neg", [x]).op.parsed.overload).toBe("");
    expect(add(x, 1).tolist()).toEqual([2, 3]);
    expect(lt(x, 2).tolist()).toEqual([true, false]);
    expect(neg(x).tolist()).toEqual([-1, -2]);
  });
});
