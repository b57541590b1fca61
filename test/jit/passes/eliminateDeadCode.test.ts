import { describe, expect, it } from "vitest";
import { tensor } from "../../../runtime/index.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { eliminateDeadCode } from "../../../runtime/jit/passes/eliminateDeadCode.js";
import { ir, runPass } from "./helpers.js";

const dce = (text: string, constants?: Parameters<typeof runPass>[2]) => runPass(eliminateDeadCode, text, constants);

describe("eliminateDeadCode removes", () => {
  it("unused pure nodes, transitively, and the tensor constants no node refers to any more", () => {
    const text = `graph(%x : Tensor):
  %k : Tensor = prim::Constant[value=tensor:c0]()
  %a : Tensor = aten::mul.Tensor(%x, %k)
  %b : Tensor = aten::relu(%a)
  %c : Tensor = aten::neg(%x)
  return (%c)
`;
    const graph = parseGraph(text, new Map([["c0", tensor([2])]]));
    const result = eliminateDeadCode(graph);
    expect(result.toString()).toBe(ir(`graph(%x : Tensor):
  %c : Tensor = aten::neg(%x)
  return (%c)
`));
    expect([...result.constants.keys()]).toEqual([]);
    expect([...graph.constants.keys()]).toEqual(["c0"]);
  });

  it("dead nodes inside blocks, and an If whose results are unused and whose blocks have no side effects", () => {
    expect(
      dce(`graph(%x : Tensor, %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      %dead : Tensor = aten::relu(%x)
      %a : Tensor = aten::neg(%x)
      -> (%a)
    block1():
      -> (%x)
  %unused : Tensor = prim::If(%c)
    block0():
      -> (%x)
    block1():
      -> (%y)
  return (%y)
`),
    ).toBe(ir(`graph(%x : Tensor, %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::neg(%x)
      -> (%a)
    block1():
      -> (%x)
  return (%y)
`));
  });

  it("the unused outputs of an If, with what its blocks computed only for them", () => {
    expect(
      dce(`graph(%x : Tensor, %c : bool):
  %y : Tensor, %z : Tensor = prim::If(%c)
    block0():
      %a : Tensor = aten::neg(%x)
      %b : Tensor = aten::relu(%x)
      -> (%a, %b)
    block1():
      -> (%x, %x)
  return (%z)
`),
    ).toBe(ir(`graph(%x : Tensor, %c : bool):
  %z : Tensor = prim::If(%c)
    block0():
      %b : Tensor = aten::relu(%x)
      -> (%b)
    block1():
      -> (%x)
  return (%z)
`));
  });

  it("a loop-carried value that neither the body nor anything after the loop reads", () => {
    expect(
      dce(`graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %zero : int = prim::Constant[value=0]()
  %h : Tensor, %count : int = prim::Loop(%n, %true, %x, %zero)
    block0(%i : int, %h0 : Tensor, %c : int):
      %h1 : Tensor = aten::tanh(%h0)
      %one : int = prim::Constant[value=1]()
      %c1 : int = aten::add.int(%i, %one)
      -> (%true, %h1, %c1)
  return (%h)
`),
    ).toBe(ir(`graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %h : Tensor = prim::Loop(%n, %true, %x)
    block0(%i : int, %h0 : Tensor):
      %h1 : Tensor = aten::tanh(%h0)
      -> (%true, %h1)
  return (%h)
`));
  });
});

describe("eliminateDeadCode keeps", () => {
  it("side effects whose results are unused: RaiseException, Print, calls, append", () => {
    const text = `graph(%self : M, %x : Tensor, %xs : int[]):
  %msg : str = prim::Constant[value="boom"]()
  prim::Print(%msg, %x)
  %r : Tensor = prim::CallFunction[name="helper"](%x)
  %s : Tensor = prim::CallMethod[name="step"](%self, %x)
  %one : int = prim::Constant[value=1]()
  %ys : int[] = aten::append.int(%xs, %one)
  prim::RaiseException(%msg)
  return (%x)
`;
    expect(dce(text)).toBe(ir(text));
  });

  it("an If or Loop holding a side effect, even with no used result (the unused output goes)", () => {
    const loop = `  %true : bool = prim::Constant[value=true]()
  prim::Loop(%n, %true)
    block0(%i : int):
      prim::Print(%i)
      -> (%true)
  return (%x)
`;
    expect(
      dce(`graph(%x : Tensor, %c : bool, %n : int):
  %unused : Tensor = prim::If(%c)
    block0():
      %msg : str = prim::Constant[value="boom"]()
      prim::RaiseException(%msg)
      -> (%x)
    block1():
      -> (%x)
${loop}`),
    ).toBe(ir(`graph(%x : Tensor, %c : bool, %n : int):
  prim::If(%c)
    block0():
      %msg : str = prim::Constant[value="boom"]()
      prim::RaiseException(%msg)
      -> ()
    block1():
      -> ()
${loop}`));
  });

  it("values computed outside a block and used only inside it, and carried values the body reads", () => {
    const text = `graph(%x : Tensor, %c : bool, %n : int):
  %a : Tensor = aten::neg(%x)
  %y : Tensor = prim::If(%c)
    block0():
      -> (%a)
    block1():
      -> (%x)
  %true : bool = prim::Constant[value=true]()
  %h : Tensor, %k : Tensor = prim::Loop(%n, %true, %x, %x)
    block0(%i : int, %h0 : Tensor, %k0 : Tensor):
      %h1 : Tensor = aten::add.Tensor(%h0, %k0, %i)
      -> (%true, %h1, %k0)
  %z : Tensor = aten::add.Tensor(%y, %h, %n)
  return (%z)
`;
    expect(dce(text)).toBe(ir(text));
  });
});
