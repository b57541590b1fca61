import { describe, expect, it } from "vitest";
import { eliminateCommonSubexpressions } from "../../../runtime/jit/passes/eliminateCommonSubexpressions.js";
import { ir, runPass } from "./helpers.js";

const cse = (text: string) => runPass(eliminateCommonSubexpressions, text);

describe("eliminateCommonSubexpressions merges", () => {
  it("repeated pure nodes: same kind, attributes and inputs, constants included", () => {
    expect(
      cse(`graph(%x : Tensor, %w : Tensor):
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::mul.Tensor(%x, %w)
  %b : Tensor = aten::mul.Tensor(%x, %w)
  %one2 : int = prim::Constant[value=1]()
  %s : Tensor = aten::add.Tensor(%a, %b, %one2)
  %d0 : int = aten::size.int(%s, %one)
  %d1 : int = aten::size.int(%s, %one2)
  %shape : int[] = prim::ListConstruct(%d0, %d1)
  %r : Tensor = aten::reshape(%s, %shape)
  return (%r)
`),
    ).toBe(ir(`graph(%x : Tensor, %w : Tensor):
  %one : int = prim::Constant[value=1]()
  %a : Tensor = aten::mul.Tensor(%x, %w)
  %s : Tensor = aten::add.Tensor(%a, %a, %one)
  %d0 : int = aten::size.int(%s, %one)
  %shape : int[] = prim::ListConstruct(%d0, %d0)
  %r : Tensor = aten::reshape(%s, %shape)
  return (%r)
`));
  });

  it("a node in a block with an earlier one of an enclosing block", () => {
    expect(
      cse(`graph(%x : Tensor, %c : bool):
  %a : Tensor = aten::relu(%x)
  %y : Tensor = prim::If(%c)
    block0():
      %b : Tensor = aten::relu(%x)
      -> (%b)
    block1():
      -> (%x)
  return (%y, %a)
`),
    ).toBe(ir(`graph(%x : Tensor, %c : bool):
  %a : Tensor = aten::relu(%x)
  %y : Tensor = prim::If(%c)
    block0():
      -> (%a)
    block1():
      -> (%x)
  return (%y, %a)
`));
  });
});

describe("eliminateCommonSubexpressions leaves alone", () => {
  it("nodes in sibling blocks, and a node before the If with one inside it (no dominance)", () => {
    const text = `graph(%x : Tensor, %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::relu(%x)
      -> (%a)
    block1():
      %b : Tensor = aten::relu(%x)
      -> (%b)
  %z : Tensor = aten::relu(%x)
  return (%y, %z)
`;
    expect(cse(text)).toBe(
      ir(text),
    );
  });

  it("random ops, dropout in training, and side effects", () => {
    const text = `graph(%self : M, %x : Tensor, %shape : int[]):
  %none : NoneType = prim::Constant[value=None]()
  %r1 : Tensor = aten::rand(%shape, %none)
  %r2 : Tensor = aten::rand(%shape, %none)
  %p : float = prim::Constant[value=0.5]()
  %train : bool = prim::Constant[value=true]()
  %d1 : Tensor = aten::dropout(%x, %p, %train)
  %d2 : Tensor = aten::dropout(%x, %p, %train)
  %c1 : Tensor = prim::CallMethod[name="step"](%self, %x)
  %c2 : Tensor = prim::CallMethod[name="step"](%self, %x)
  %f1 : Tensor = prim::CallFunction[name="helper"](%x)
  %f2 : Tensor = prim::CallFunction[name="helper"](%x)
  return (%r1, %r2, %d1, %d2, %c1, %c2, %f1, %f2)
`;
    expect(cse(text)).toBe(ir(text));
  });

  it("but merges dropout when training is the constant false", () => {
    expect(
      cse(`graph(%x : Tensor):
  %p : float = prim::Constant[value=0.5]()
  %eval : bool = prim::Constant[value=false]()
  %d1 : Tensor = aten::dropout(%x, %p, %eval)
  %d2 : Tensor = aten::dropout(%x, %p, %eval)
  return (%d1, %d2)
`),
    ).toBe(ir(`graph(%x : Tensor):
  %p : float = prim::Constant[value=0.5]()
  %eval : bool = prim::Constant[value=false]()
  %d1 : Tensor = aten::dropout(%x, %p, %eval)
  return (%d1, %d1)
`));
  });

  it("every node reading or making a list when the graph appends to lists: two [] are two lists", () => {
    const text = `graph(%n : int):
  %a : int[] = prim::ListConstruct()
  %b : int[] = prim::ListConstruct()
  %la : int = aten::len.int(%a)
  %a2 : int[] = aten::append.int(%a, %n)
  %lb : int = aten::len.int(%b)
  %la2 : int = aten::len.int(%a)
  return (%la, %lb, %la2)
`;
    expect(cse(text)).toBe(ir(text));
  });

  it("list nodes when a call could append to a list passed to it, but not tensor nodes", () => {
    expect(
      cse(`graph(%x : Tensor, %n : int):
  %a : int[] = prim::ListConstruct(%n)
  %b : int[] = prim::ListConstruct(%n)
  %r : Tensor = prim::CallFunction[name="grow"](%a, %x)
  %e1 : Tensor = aten::exp(%x)
  %e2 : Tensor = aten::exp(%x)
  return (%r, %b, %e1, %e2)
`),
    ).toBe(ir(`graph(%x : Tensor, %n : int):
  %a : int[] = prim::ListConstruct(%n)
  %b : int[] = prim::ListConstruct(%n)
  %r : Tensor = prim::CallFunction[name="grow"](%a, %x)
  %e1 : Tensor = aten::exp(%x)
  return (%r, %b, %e1, %e1)
`));
  });

  it("constants of different types or values", () => {
    const text = `graph():
  %a : int = prim::Constant[value=1]()
  %b : float = prim::Constant[value=1.]()
  %c : float = prim::Constant[value=-0.]()
  %d : float = prim::Constant[value=0.]()
  return (%a, %b, %c, %d)
`;
    expect(cse(text)).toBe(ir(text));
  });
});
