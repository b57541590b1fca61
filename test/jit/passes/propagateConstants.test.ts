import { describe, expect, it } from "vitest";
import { tensor, type Tensor } from "../../../runtime/index.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { propagateConstants } from "../../../runtime/jit/passes/propagateConstants.js";
import { eliminateDeadCode } from "../../../runtime/jit/passes/eliminateDeadCode.js";
import { ir, runPass } from "./helpers.js";

/** Folding leaves the folded-away constants for DCE; these tests state the result after both. */
const fold = (text: string, constants?: ReadonlyMap<string, Tensor>) => runPass((g) => eliminateDeadCode(propagateConstants(g)), text, constants);

describe("propagateConstants folds", () => {
  it("scalar ops on constants, through chains", () => {
    expect(
      fold(`graph(%x : Tensor):
  %two : int = prim::Constant[value=2]()
  %three : int = prim::Constant[value=3]()
  %six : int = aten::mul.int(%two, %three)
  %half : float = aten::div.int(%three, %six)
  %y : Tensor = aten::mul.Scalar(%x, %half)
  return (%y)
`),
    ).toBe(ir(`graph(%x : Tensor):
  %half : float = prim::Constant[value=0.5]()
  %y : Tensor = aten::mul.Scalar(%x, %half)
  return (%y)
`));
  });

  it("lists of constants, and tensor ops on tensor constants (the result is a new tensor constant)", () => {
    const text = `graph(%x : Tensor):
  %w : Tensor = prim::Constant[value=tensor:w]()
  %t : Tensor = aten::t(%w)
  %one : int = prim::Constant[value=1]()
  %dims : int[] = prim::ListConstruct(%one)
  %false : bool = prim::Constant[value=false]()
  %none : NoneType = prim::Constant[value=None]()
  %y : Tensor = aten::matmul(%x, %t)
  %s : Tensor = aten::sum.dim_IntList(%t, %dims, %false, %none)
  return (%y, %s)
`;
    const graph = propagateConstants(parseGraph(text, new Map([["w", tensor([[1, 2], [3, 4]])]])));
    const result = eliminateDeadCode(graph);
    expect(result.toString()).toBe(ir(`graph(%x : Tensor):
  %t : Tensor = prim::Constant[value=tensor:c1]()
  %y : Tensor = aten::matmul(%x, %t)
  %s : Tensor = prim::Constant[value=tensor:c2]()
  return (%y, %s)
`));
    expect(result.constants.get("c1")!.tolist()).toEqual([[1, 3], [2, 4]]);
    expect(result.constants.get("c2")!.tolist()).toEqual([4, 6]);
  });

  it("the same computation in several places into one tensor constant", () => {
    const text = `graph(%x : Tensor, %c : bool):
  %w : Tensor = prim::Constant[value=tensor:w]()
  %y : Tensor = prim::If(%c)
    block0():
      %t1 : Tensor = aten::t(%w)
      %a : Tensor = aten::matmul(%x, %t1)
      -> (%a)
    block1():
      %t2 : Tensor = aten::t(%w)
      %b : Tensor = aten::mm(%x, %t2)
      -> (%b)
  return (%y)
`;
    const result = eliminateDeadCode(propagateConstants(parseGraph(text, new Map([["w", tensor([[1, 2], [3, 4]])]]))));
    const references = [...result.allNodes()].filter((n) => n.kind === "prim::Constant").map((n) => n.attributes.get("value"));
    expect(references).toEqual([{ tensor: "c1" }, { tensor: "c1" }]);
    expect([...result.constants.keys()]).toEqual(["c1"]);
  });

  it("an If on a constant condition into the branch taken, and its nodes in turn", () => {
    expect(
      fold(`graph(%x : Tensor):
  %one : int = prim::Constant[value=1]()
  %two : int = prim::Constant[value=2]()
  %c : bool = aten::lt.int(%one, %two)
  %y : Tensor, %k : int = prim::If(%c)
    block0():
      %a : Tensor = aten::relu(%x)
      %k1 : int = aten::add.int(%one, %two)
      -> (%a, %k1)
    block1():
      %msg : str = prim::Constant[value="never"]()
      prim::RaiseException(%msg)
      -> (%x, %one)
  %z : Tensor = aten::mul.Scalar(%y, %k)
  return (%z)
`),
    ).toBe(ir(`graph(%x : Tensor):
  %a : Tensor = aten::relu(%x)
  %k1 : int = prim::Constant[value=3]()
  %z : Tensor = aten::mul.Scalar(%a, %k1)
  return (%z)
`));
  });

  it("a Loop that runs zero times into its initial values", () => {
    expect(
      fold(`graph(%x : Tensor, %n : int):
  %zero : int = prim::Constant[value=0]()
  %true : bool = prim::Constant[value=true]()
  %false : bool = prim::Constant[value=false]()
  %h : Tensor = prim::Loop(%zero, %true, %x)
    block0(%i : int, %h0 : Tensor):
      %h1 : Tensor = aten::tanh(%h0)
      -> (%true, %h1)
  %g : Tensor = prim::Loop(%n, %false, %h)
    block0(%j : int, %g0 : Tensor):
      prim::Print(%g0)
      -> (%true, %g0)
  return (%g)
`),
    ).toBe(ir(`graph(%x : Tensor, %n : int):
  return (%x)
`));
  });
});

describe("propagateConstants leaves alone", () => {
  it("nodes with a non-constant input, and values of blocks (loop parameters are not constants)", () => {
    const text = `graph(%x : Tensor, %n : int):
  %two : int = prim::Constant[value=2]()
  %m : int = aten::mul.int(%n, %two)
  %true : bool = prim::Constant[value=true]()
  %h : Tensor = prim::Loop(%m, %true, %x)
    block0(%i : int, %h0 : Tensor):
      %k : int = aten::add.int(%i, %two)
      %h1 : Tensor = aten::mul.Scalar(%h0, %k)
      -> (%true, %h1)
  return (%h)
`;
    expect(fold(text)).toBe(ir(text));
  });

  it("random ops, dropout in training, side effects, and ops that fail (the error stays a run-time error)", () => {
    const text = `graph():
  %shape : int[] = prim::Constant[value=[2, 2]]()
  %none : NoneType = prim::Constant[value=None]()
  %r : Tensor = aten::randn(%shape, %none)
  %p : float = prim::Constant[value=0.5]()
  %train : bool = prim::Constant[value=true]()
  %w : Tensor = prim::Constant[value=tensor:w]()
  %d : Tensor = aten::dropout(%w, %p, %train)
  %list : int[] = prim::Constant[value=[1]]()
  %big : int = prim::Constant[value=5]()
  %bad : int = aten::__getitem__.int(%list, %big)
  %msg : str = prim::Constant[value="m"]()
  prim::Print(%msg)
  return (%r, %d, %bad)
`;
    expect(fold(text, new Map([["w", tensor([1, 2])]]))).toBe(ir(text));
  });

  it("lists when the graph appends to lists (a list constant is read-only), and results a constant cannot hold", () => {
    const text = `graph(%x : Tensor):
  %one : int = prim::Constant[value=1]()
  %xs : int[] = prim::ListConstruct(%one)
  %ys : int[] = aten::append.int(%xs, %one)
  %w : Tensor = prim::Constant[value=tensor:w]()
  %two : int = prim::Constant[value=2]()
  %zero : int = prim::Constant[value=0]()
  %parts : Tensor[] = aten::chunk(%w, %two, %zero)
  return (%ys, %parts)
`;
    expect(fold(text, new Map([["w", tensor([1, 2])]]))).toBe(ir(text));
  });

  it("a list that may reach the caller (it would get a read-only array)", () => {
    const text = `graph():
  %one : int = prim::Constant[value=1]()
  %xs : int[] = prim::ListConstruct(%one, %one)
  %t : (int[], int) = prim::TupleConstruct(%xs, %one)
  return (%xs, %t)
`;
    expect(fold(text)).toBe(ir(text));
  });

  it("tensor results bigger than their inputs and than 1024 elements", () => {
    const text = `graph():
  %shape : int[] = prim::Constant[value=[64, 64]]()
  %none : NoneType = prim::Constant[value=None]()
  %z : Tensor = aten::zeros(%shape, %none)
  return (%z)
`;
    expect(fold(text)).toBe(ir(text));
  });
});
