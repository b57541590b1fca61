import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randn, tensor, type Tensor } from "../../../runtime/index.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../../../runtime/jit/executor.js";
import { fuseMatmulAdd } from "../../../runtime/jit/passes/fuseMatmulAdd.js";
import { stackMatmuls } from "../../../runtime/jit/passes/stackMatmuls.js";
import { ir, runPass } from "./helpers.js";

/** w: a [3, 2] weight (K = 3, N = 2); b: its [2] bias; v: [2, 2], the recurrent weight; b3: a bias of the wrong width. */
const constants = new Map<string, Tensor>([
  ["w", randn([3, 2])],
  ["v", randn([2, 2])],
  ["b", randn([2])],
  ["b3", randn([3])],
]);
const stack = (text: string) => runPass(stackMatmuls, text, constants);
const unchanged = (text: string) => expect(stack(text)).toBe(ir(text));

/** Two unrolled steps of h = x_t @ w + h @ v + b, as a trace records them. */
const UNROLLED = `graph(%x : Tensor, %h : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %v : Tensor = prim::Constant[value=tensor:v]()
  %b : Tensor = prim::Constant[value=tensor:b]()
  %x0 : Tensor = aten::select.int(%x, %zero, %zero)
  %p0 : Tensor = aten::matmul(%x0, %w)
  %q0 : Tensor = aten::matmul(%h, %v)
  %s0 : Tensor = aten::add.Tensor(%p0, %q0, %one)
  %h0 : Tensor = aten::add.Tensor(%s0, %b, %one)
  %x1 : Tensor = aten::select.int(%x, %zero, %one)
  %p1 : Tensor = aten::matmul(%x1, %w)
  %q1 : Tensor = aten::matmul(%h0, %v)
  %s1 : Tensor = aten::add.Tensor(%q1, %p1, %one)
  %h1 : Tensor = aten::add.Tensor(%b, %s1, %one)
  return (%h1)
`;

describe("stackMatmuls", () => {
  it("stacks the products of an unrolled loop's slices, the bias moving into the stacked product", () => {
    expect(stack(UNROLLED)).toBe(
      ir(`graph(%x : Tensor, %h : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %v : Tensor = prim::Constant[value=tensor:v]()
  %b : Tensor = prim::Constant[value=tensor:b]()
  %x0 : Tensor = aten::select.int(%x, %zero, %zero)
  %w.1 : Tensor = prim::Constant[value=tensor:w]()
  %b.1 : Tensor = prim::Constant[value=tensor:b]()
  %stacked : Tensor = tsjit::stacked_matmul(%x, %w.1, %b.1)
  %p0 : Tensor = aten::select.int(%stacked, %zero, %zero)
  %q0 : Tensor = aten::matmul(%h, %v)
  %s0 : Tensor = aten::add.Tensor(%p0, %q0, %one)
  %x1 : Tensor = aten::select.int(%x, %zero, %one)
  %p1 : Tensor = aten::select.int(%stacked, %zero, %one)
  %q1 : Tensor = aten::matmul(%s0, %v)
  %s1 : Tensor = aten::add.Tensor(%q1, %p1, %one)
  return (%s1)
`),
    );
  });

  it("hoists a loop body's product of a slice of a tensor from outside the loop, even alone", () => {
    expect(
      stack(`graph(%x : Tensor, %h : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %y : Tensor = prim::Loop(%n, %true, %h)
    block0(%t : int, %acc : Tensor):
      %w : Tensor = prim::Constant[value=tensor:w]()
      %xt : Tensor = aten::select.int(%x, %zero, %t)
      %p : Tensor = aten::matmul(%xt, %w)
      %r : Tensor = aten::tanh(%p)
      -> (%true, %r)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %h : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %0 : NoneType = prim::Constant[value=None]()
  %stacked : Tensor = tsjit::stacked_matmul(%x, %w, %0)
  %y : Tensor = prim::Loop(%n, %true, %h)
    block0(%t : int, %acc : Tensor):
      %w.1 : Tensor = prim::Constant[value=tensor:w]()
      %xt : Tensor = aten::select.int(%x, %zero, %t)
      %p : Tensor = aten::select.int(%stacked, %zero, %t)
      %r : Tensor = aten::tanh(%p)
      -> (%true, %r)
  return (%y)
`),
    );
  });

  it("keeps the bias where it is when the products' sums do not all end in the same bias of the weight's width", () => {
    const otherBias = UNROLLED.replace("aten::add.Tensor(%b, %s1, %one)", "aten::add.Tensor(%b3, %s1, %one)").replace(
      "%b : Tensor = prim::Constant[value=tensor:b]()",
      "%b : Tensor = prim::Constant[value=tensor:b]()\n  %b3 : Tensor = prim::Constant[value=tensor:b3]()",
    );
    const stacked = stack(otherBias);
    expect(stacked).toContain("tsjit::stacked_matmul(%x, %w.1, %0)");
    expect(stacked).toContain("aten::add.Tensor(%s0, %b, %one)");
    expect(stacked).toContain("aten::add.Tensor(%b3, %s1, %one)");
  });

  it.each([
    ["a single product outside a loop", "%x0 : Tensor = aten::select.int(%x, %zero, %zero)\n  %y : Tensor = aten::matmul(%x0, %w)\n  %z : Tensor = aten::matmul(%x0, %v)"],
    ["slices along dim 1", "%x0 : Tensor = aten::select.int(%x, %one, %zero)\n  %y : Tensor = aten::matmul(%x0, %w)\n  %x1 : Tensor = aten::select.int(%x, %one, %one)\n  %z : Tensor = aten::matmul(%x1, %w)"],
    ["a weight that is not a constant", "%x0 : Tensor = aten::select.int(%x, %zero, %zero)\n  %y : Tensor = aten::matmul(%x0, %h)\n  %x1 : Tensor = aten::select.int(%x, %zero, %one)\n  %z : Tensor = aten::matmul(%x1, %h)"],
    ["a weight on the left", "%x0 : Tensor = aten::select.int(%x, %zero, %zero)\n  %y : Tensor = aten::matmul(%w, %x0)\n  %x1 : Tensor = aten::select.int(%x, %zero, %one)\n  %z : Tensor = aten::matmul(%w, %x1)"],
  ])("leaves alone %s", (_label, body) => {
    unchanged(`graph(%x : Tensor, %h : Tensor):
  %zero : int = prim::Constant[value=0]()
  %one : int = prim::Constant[value=1]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %v : Tensor = prim::Constant[value=tensor:v]()
  ${body}
  return (%y, %z)
`);
  });

  it("leaves alone a loop's product of a slice of a tensor the loop makes", () => {
    unchanged(`graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %y : Tensor = prim::Loop(%n, %true, %x)
    block0(%t : int, %acc : Tensor):
      %w : Tensor = prim::Constant[value=tensor:w]()
      %xt : Tensor = aten::select.int(%acc, %zero, %t)
      %p : Tensor = aten::matmul(%xt, %w)
      -> (%true, %acc)
  return (%y)
`);
  });

  it("gives the unrolled steps' result before and after, with fuseMatmulAdd too, for any sizes", () => {
    const before = compileGraph(parseGraph(UNROLLED, constants));
    const after = compileGraph(fuseMatmulAdd(stackMatmuls(parseGraph(UNROLLED, constants))));
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (T, B, rank) => {
        const x = randn(rank === 1 ? [T, 3] : rank === 2 ? [T, B, 3] : [T, 1, B, 3]);
        const h = randn(rank === 1 ? [2] : [B, 2]);
        const want = runPlan(before, undefined, [x, h])[0] as Tensor;
        const got = runPlan(after, undefined, [x, h])[0] as Tensor;
        expect([...got.shape]).toEqual([...want.shape]);
        const [g, w] = [got.toTypedArray(), want.toTypedArray()];
        for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(w[i]!)));
      }),
      { numRuns: 30 },
    );
  });

  it("fails on a 1-D tensor where its slices' products would", () => {
    const after = compileGraph(stackMatmuls(parseGraph(UNROLLED, constants)));
    expect(() => runPlan(after, undefined, [tensor([1, 2, 3]), randn([2])])).toThrow(/input of shape \[3\] is multiplied one slice along dim 0 at a time/);
    const before = compileGraph(parseGraph(UNROLLED, constants));
    expect(() => runPlan(before, undefined, [tensor([1, 2, 3]), randn([2])])).toThrow(/matmul\(\): both arguments need to be at least 1-D/);
  });
});
