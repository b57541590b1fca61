import { describe, expect, it } from "vitest";
import { randn, type Tensor } from "../../../runtime/index.js";
import { fuseActivationEpilogues } from "../../../runtime/jit/passes/fuseActivationEpilogues.js";
import { fuseMatmulAdd } from "../../../runtime/jit/passes/fuseMatmulAdd.js";
import { ir, runPass } from "./helpers.js";

const constants = new Map<string, Tensor>([["w", randn([3, 2])]]);
const fuse = (text: string) => runPass(fuseMatmulAdd, text, constants);
const unchanged = (text: string) => expect(fuse(text)).toBe(ir(text));

describe("fuseMatmulAdd", () => {
  it("fuses a product added to a tensor, on either side, in blocks too", () => {
    expect(
      fuse(`graph(%c : bool, %x : Tensor, %w : Tensor, %a : Tensor):
  %one : int = prim::Constant[value=1]()
  %p : Tensor = aten::matmul(%x, %w)
  %y : Tensor = aten::add.Tensor(%a, %p, %one)
  %z : Tensor = prim::If(%c)
    block0():
      %q : Tensor = aten::matmul(%y, %w)
      %r : Tensor = aten::add.Tensor(%q, %a, %one)
      -> (%r)
    block1():
      -> (%y)
  return (%z)
`),
    ).toBe(
      ir(`graph(%c : bool, %x : Tensor, %w : Tensor, %a : Tensor):
  %one : int = prim::Constant[value=1]()
  %y : Tensor = tsjit::matmul_add(%x, %w, %a)
  %z : Tensor = prim::If(%c)
    block0():
      %r : Tensor = tsjit::matmul_add(%y, %w, %a)
      -> (%r)
    block1():
      -> (%y)
  return (%z)
`),
    );
  });

  it("of two products, fuses the one by a constant weight", () => {
    expect(
      fuse(`graph(%x : Tensor, %h : Tensor, %v : Tensor):
  %one : int = prim::Constant[value=1]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %p : Tensor = aten::matmul(%h, %v)
  %q : Tensor = aten::matmul(%x, %w)
  %y : Tensor = aten::add.Tensor(%p, %q, %one)
  return (%y)
`),
    ).toBe(
      ir(`graph(%x : Tensor, %h : Tensor, %v : Tensor):
  %one : int = prim::Constant[value=1]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %p : Tensor = aten::matmul(%h, %v)
  %y : Tensor = tsjit::matmul_add(%x, %w, %p)
  return (%y)
`),
    );
  });

  it("then fuseActivationEpilogues folds an activation in", () => {
    expect(
      runPass(
        (g) => fuseActivationEpilogues(fuseMatmulAdd(g)),
        `graph(%x : Tensor, %w : Tensor, %a : Tensor):
  %one : int = prim::Constant[value=1]()
  %p : Tensor = aten::matmul(%x, %w)
  %s : Tensor = aten::add.Tensor(%p, %a, %one)
  %y : Tensor = aten::tanh(%s)
  return (%y)
`,
      ),
    ).toBe(
      ir(`graph(%x : Tensor, %w : Tensor, %a : Tensor):
  %one : int = prim::Constant[value=1]()
  %activation : str = prim::Constant[value="tanh"]()
  %y : Tensor = tsjit::matmul_add_act(%x, %w, %a, %activation)
  return (%y)
`),
    );
  });

  it.each([
    ["alpha other than 1", "%p : Tensor = aten::matmul(%x, %w)\n  %y : Tensor = aten::add.Tensor(%a, %p, %two)"],
    ["a product used twice", "%p : Tensor = aten::matmul(%x, %w)\n  %y : Tensor = aten::add.Tensor(%p, %p, %one)"],
    ["a product used elsewhere too", "%p : Tensor = aten::matmul(%x, %w)\n  %y : Tensor = aten::add.Tensor(%a, %p, %one)\n  %z : Tensor = aten::relu(%p)"],
    ["sub", "%p : Tensor = aten::matmul(%x, %w)\n  %y : Tensor = aten::sub.Tensor(%a, %p, %one)"],
    ["mm", "%p : Tensor = aten::mm(%x, %w)\n  %y : Tensor = aten::add.Tensor(%a, %p, %one)"],
  ])("leaves alone %s", (_label, body) => {
    unchanged(`graph(%x : Tensor, %w : Tensor, %a : Tensor):
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  ${body}
  return (%y)
`);
  });

  it("leaves alone a product made outside the add's block", () => {
    unchanged(`graph(%c : bool, %x : Tensor, %w : Tensor, %a : Tensor):
  %one : int = prim::Constant[value=1]()
  %p : Tensor = aten::matmul(%x, %w)
  %z : Tensor = prim::If(%c)
    block0():
      %r : Tensor = aten::add.Tensor(%p, %a, %one)
      -> (%r)
    block1():
      -> (%a)
  return (%z)
`);
  });
});
