import { describe, expect, test } from "vitest";
import { TsjitError } from "../../runtime/errors.js";
import { Graph } from "../../runtime/ir/Graph.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { TensorType } from "../../runtime/ir/types.js";
import { verifyGraph } from "../../runtime/ir/verifier.js";
import { CORPUS } from "./corpus.js";
import { tensor } from "../../runtime/tensor/factory.js";
import { thrownTsjitError } from "../utils/errors.js";

function verifyError(graph: Graph): TsjitError {
  return thrownTsjitError(() => verifyGraph(graph), "INVALID_GRAPH");
}

const rejectText = (text: string) => verifyError(parseGraph(text)).message;

test("every corpus graph verifies", () => {
  const constants = new Map([
    ["c0", tensor([1])],
    ["odd name", tensor([2])],
  ]);
  for (const text of Object.values(CORPUS)) verifyGraph(parseGraph(text, constants));
});

describe("rejections name the node as IR and its source range", () => {
  test("use before definition in the same block", () => {
    const message = rejectText(`graph(%x : Tensor):
  %a : Tensor = aten::relu(%b) # m.ts:2:3
  %b : Tensor = aten::relu(%x)
  return (%a)
`);
    expect(message).toContain("input 0 (%b) is not defined before this use");
    expect(message).toContain("in node: %a : Tensor = aten::relu(%b) # m.ts:2:3");
    expect(message).toContain("at m.ts:2:3");
  });

  test("use of a value defined inside another block (dominance)", () => {
    const message = rejectText(`graph(%x : Tensor,
      %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      %t : Tensor = aten::relu(%x)
      -> (%t)
    block1():
      -> (%t)
  return (%y)
`);
    expect(message).toContain("block1 return 0 (%t) is not defined before this use");
    expect(message).toContain("in node: %y : Tensor = prim::If(%c)");
    expect(message).toContain("no source range");
  });

  test("use of an inner value after the block", () => {
    const message = rejectText(`graph(%x : Tensor,
      %c : bool):
  prim::If(%c)
    block0():
      %t : Tensor = aten::relu(%x)
      -> ()
    block1():
      -> ()
  %u : Tensor = aten::tanh(%t) # m.ts:9:1
  return (%u)
`);
    expect(message).toContain("input 0 (%t) is not defined before this use");
    expect(message).toContain("aten::tanh(%t) # m.ts:9:1");
  });

  test("graph output not defined", () => {
    const message = rejectText(`graph(%c : bool):
  prim::If(%c)
    block0():
      %t : bool = prim::Constant[value=true]()
      -> ()
    block1():
      -> ()
  return (%t)
`);
    expect(message).toContain("graph output 0 (%t) is not defined before this use");
  });

  test("prim::If condition must be bool", () => {
    const message = rejectText(`graph(%x : Tensor):
  %y : Tensor = prim::If(%x) # m.ts:1:1
    block0():
      -> (%x)
    block1():
      -> (%x)
  return (%y)
`);
    expect(message).toContain("the condition of prim::If must be bool, found %x : Tensor");
  });

  test("prim::If block arity must match its outputs", () => {
    const message = rejectText(`graph(%x : Tensor,
      %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      -> (%x)
    block1():
      -> ()
  return (%y)
`);
    expect(message).toContain("block1 of prim::If returns 0 value(s), but the node has 1 output(s)");
  });

  test("prim::If needs two blocks without parameters", () => {
    expect(
      rejectText(`graph(%c : bool):
  prim::If(%c)
    block0():
      -> ()
  return ()
`),
    ).toContain("prim::If has 2 blocks, found 1");
    expect(
      rejectText(`graph(%c : bool):
  prim::If(%c)
    block0(%p : int):
      -> ()
    block1():
      -> ()
  return ()
`),
    ).toContain("block0 of prim::If takes no parameters, found 1");
  });

  test("prim::If block return types must fit the outputs", () => {
    const message = rejectText(`graph(%x : Tensor,
      %c : bool,
      %n : int):
  %y : Tensor = prim::If(%c)
    block0():
      -> (%x)
    block1():
      -> (%n)
  return (%y)
`);
    expect(message).toContain("return 0 of block1 must be a subtype of Tensor (output %y), found %n : int");
  });

  test("prim::Loop shape: inputs, body params, returns, outputs", () => {
    const good = (header: string, body: string, ret: string) => `graph(%x : Tensor,
      %n : int,
      %b : bool):
  ${header}
    block0(${body}):
      -> (${ret})
  return ()
`;
    expect(rejectText(good("%o : Tensor = prim::Loop(%b, %b, %x)", "%i : int, %h : Tensor", "%b, %h"))).toContain("the max trip count of prim::Loop must be int, found %b : bool");
    expect(rejectText(good("%o : Tensor = prim::Loop(%n, %n, %x)", "%i : int, %h : Tensor", "%b, %h"))).toContain("the initial condition of prim::Loop must be bool, found %n : int");
    expect(rejectText(good("%o : Tensor = prim::Loop(%n, %b, %x)", "%i : int", "%b, %x"))).toContain("takes (iteration, carried...) = 2 parameter(s), found 1");
    expect(rejectText(good("%o : Tensor = prim::Loop(%n, %b, %x)", "%i : int, %h : Tensor", "%h"))).toContain("returns (condition, carried...) = 2 value(s), found 1");
    expect(rejectText(good("%o : Tensor = prim::Loop(%n, %b, %x)", "%i : int, %h : Tensor", "%i, %h"))).toContain("the continue condition of the loop body must be bool, found %i : int");
    expect(rejectText(good("prim::Loop(%n, %b, %x)", "%i : int, %h : Tensor", "%b, %h"))).toContain("prim::Loop carries 1 value(s) but has 0 output(s)");
    expect(rejectText(good("%o : Tensor = prim::Loop(%n, %b, %x)", "%i : int, %h : Tensor", "%b, %i"))).toContain("carried return 0 of the loop body must be a subtype of Tensor, found %i : int");
    expect(rejectText(good("%o : Tensor = prim::Loop(%n, %b, %n)", "%i : int, %h : Tensor", "%b, %h"))).toContain("carried input 0 must be a subtype of Tensor (body parameter %h), found %n : int");
    expect(rejectText(good("%o : int = prim::Loop(%n, %b, %x)", "%i : int, %h : Tensor", "%b, %h"))).toContain("output 0 must be a supertype of Tensor, found %o : int");
  });

  test("op nodes: input count against the schema", () => {
    const message = rejectText(`graph(%x : Tensor):
  %y : Tensor = aten::add.Tensor(%x, %x) # model.ts:4:10
  return (%y)
`);
    expect(message).toContain("aten::add.Tensor takes 3 inputs (self, other, alpha), found 2");
    expect(message).toContain("at model.ts:4:10");
  });

  test("op nodes: input types against the schema", () => {
    expect(
      rejectText(`graph(%x : Tensor,
      %s : str):
  %y : Tensor = aten::add.Tensor(%x, %x, %s)
  return (%y)
`),
    ).toContain("input 2 (alpha) of aten::add.Tensor must be Scalar, found %s : str");
    expect(
      rejectText(`graph(%x : Tensor,
      %f : float):
  %y : Tensor = aten::unsqueeze(%x, %f)
  return (%y)
`),
    ).toContain("input 1 (dim) of aten::unsqueeze must be int, found %f : float");
  });

  test("op nodes: Scalar accepts int/float/bool, Optional accepts None, int[2] accepts int[]", () => {
    verifyGraph(
      parseGraph(`graph(%x : Tensor,
      %i : int,
      %f : float,
      %b : bool,
      %l : int[]):
  %none : NoneType = prim::Constant[value=None]()
  %1 : Tensor = aten::add.Tensor(%x, %x, %i)
  %2 : Tensor = aten::add.Tensor(%x, %x, %f)
  %3 : Tensor = aten::add.Tensor(%x, %x, %b)
  %4 : Tensor = aten::clamp(%x, %none, %f)
  %5 : Tensor = aten::max_pool2d(%x, %l, %none, %l, %l, %b)
  return (%5)
`),
    );
  });

  test("op nodes: output count and types against the schema", () => {
    expect(
      rejectText(`graph(%x : Tensor,
      %d : int,
      %k : bool):
  %y : Tensor = aten::max.dim(%x, %d, %k)
  return (%y)
`),
    ).toContain("aten::max.dim has 2 outputs, found 1");
    expect(
      rejectText(`graph(%x : Tensor):
  %y : int = aten::relu(%x)
  return (%y)
`),
    ).toContain("output 0 of aten::relu is Tensor, but %y is declared int");
    expect(
      rejectText(`graph(%x : Tensor,
      %s : int,
      %d : int):
  %a : Tensor, %b : Tensor = aten::split.Tensor(%x, %s, %d)
  return (%a)
`),
    ).toContain("aten::split.Tensor has 1 outputs, found 2");
  });

  test("prim::Constant value must fit its type", () => {
    expect(rejectText(`graph():\n  %a : int = prim::Constant[value=0.5]()\n  return (%a)\n`)).toContain("does not fit its type int: expected an integer, found 0.5");
    expect(rejectText(`graph():\n  %a : bool = prim::Constant[value=1]()\n  return (%a)\n`)).toContain("expected a boolean, found a number");
    expect(rejectText(`graph():\n  %a : ScalarType = prim::Constant[value="float64"]()\n  return (%a)\n`)).toContain('expected a dtype name, found "float64"');
    expect(rejectText(`graph():\n  %a : Tensor = prim::Constant[value=tensor:w]()\n  return (%a)\n`)).toContain("tensor constant 'w' is missing from graph.constants");
    expect(rejectText(`graph():\n  %a : int = prim::Constant[name="x"]()\n  return (%a)\n`)).toContain("prim::Constant needs a 'value' attribute");
    expect(rejectText(`graph(%x : int):\n  %a : int = prim::Constant[value=1](%x)\n  return (%a)\n`)).toContain("prim::Constant takes 0 input(s), found 1");
  });

  test("GetAttr and CallMethod need a module and a string name", () => {
    expect(rejectText(`graph(%x : Tensor):\n  %w : Tensor = prim::GetAttr[name="w"](%x)\n  return (%w)\n`)).toContain("the input of prim::GetAttr must be a module, found %x : Tensor");
    expect(rejectText(`graph(%self : M):\n  %w : Tensor = prim::GetAttr[name=3](%self)\n  return (%w)\n`)).toContain("prim::GetAttr needs a string attribute 'name'");
    expect(rejectText(`graph(%self : M):\n  %w : Tensor = prim::CallMethod(%self)\n  return (%w)\n`)).toContain("prim::CallMethod needs a string attribute 'name'");
    expect(rejectText(`graph(%x : Tensor):\n  %w : Tensor = prim::CallMethod[name="forward"](%x)\n  return (%w)\n`)).toContain("the first input of prim::CallMethod must be a module");
  });

  test("lists and tuples are type-consistent", () => {
    expect(rejectText(`graph(%x : Tensor,\n      %n : int):\n  %l : Tensor[] = prim::ListConstruct(%x, %n)\n  return (%l)\n`)).toContain("item 1 must be Tensor, found %n : int");
    expect(rejectText(`graph(%x : Tensor):\n  %l : Tensor = prim::ListConstruct(%x)\n  return (%l)\n`)).toContain("the output of prim::ListConstruct must be a list, found Tensor");
    expect(rejectText(`graph(%l : int[]):\n  %a : Tensor = prim::ListUnpack(%l)\n  return (%a)\n`)).toContain("output 0 must be a supertype of int, found %a : Tensor");
    expect(rejectText(`graph(%x : Tensor):\n  %t : (Tensor, int) = prim::TupleConstruct(%x)\n  return (%t)\n`)).toContain("the output of prim::TupleConstruct must be a tuple of 1, found (Tensor, int)");
    expect(rejectText(`graph(%t : (Tensor, int)):\n  %a : Tensor, %b : Tensor = prim::TupleUnpack(%t)\n  return (%a)\n`)).toContain("output 1 must be a supertype of int, found %b : Tensor");
    expect(rejectText(`graph(%t : (Tensor, int)):\n  %a : Tensor = prim::TupleUnpack(%t)\n  return (%a)\n`)).toContain("must be a tuple of 1, found (Tensor, int)");
  });

  test("RaiseException takes a str", () => {
    expect(rejectText(`graph(%x : Tensor):\n  prim::RaiseException(%x) # m.ts:7:7\n  return ()\n`)).toContain("the message of prim::RaiseException must be str, found %x : Tensor");
  });

  test("blocks on nodes that take none", () => {
    expect(rejectText(`graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n    block0():\n      -> ()\n  return (%y)\n`)).toContain("an op node has no blocks, found 1");
  });

  test("unknown prim and op kinds (built through the Graph API)", () => {
    const g = new Graph();
    const x = g.addInput(TensorType, "x");
    g.appendNode("prim::Frobnicate", [x], { file: "f.ts", line: 1, col: 2 });
    const message = verifyError(g).message;
    expect(message).toContain("unknown prim kind 'prim::Frobnicate'");
    expect(message).toContain("in node: prim::Frobnicate(%x) # f.ts:1:2");
    const h = new Graph();
    h.appendNode("aten::nope", [h.addInput(TensorType)]);
    expect(verifyError(h).message).toContain("unknown op kind 'aten::nope'");
  });
});

describe("structural invariants (through the Graph API)", () => {
  function simple() {
    const g = new Graph();
    const x = g.addInput(TensorType, "x");
    const relu = g.appendNode("aten::relu", [x]);
    const y = relu.addOutput(TensorType, "y");
    g.registerOutput(y);
    return { g, x, relu, y };
  }

  test("a well-formed graph verifies", () => {
    verifyGraph(simple().g);
  });

  test("a missing use", () => {
    const { g, x } = simple();
    x.uses.length = 0;
    expect(verifyError(g).message).toContain("%x has 0 recorded uses but is used 1 times");
  });

  test("a stale use", () => {
    const { g, y } = simple();
    y.uses.push({ user: g.block, index: 5 });
    expect(verifyError(g).message).toContain("%y lists a use that does not exist (block return #5)");
  });

  test("a duplicated use", () => {
    const { g, x, relu } = simple();
    x.uses.push({ user: relu, index: 0 });
    expect(verifyError(g).message).toContain("%x lists the same use twice");
  });

  test("a value from another graph", () => {
    const { g, relu } = simple();
    const other = new Graph();
    const z = other.addInput(TensorType, "z");
    relu.replaceInput(0, z);
    expect(verifyError(g).message).toContain("input 0 (%z) is not defined before this use");
  });

  test("a node that is in its block twice", () => {
    const { g, relu } = simple();
    g.block.nodes.push(relu);
    expect(verifyError(g).message).toContain("the node appears twice in the graph");
  });

  test("destroying a node keeps uses exact", () => {
    const { g, x, y } = simple();
    const extra = g.appendNode("aten::tanh", [x]);
    extra.addOutput(TensorType);
    extra.destroy();
    verifyGraph(g);
    expect(x.uses).toHaveLength(1);
    expect(y.uses).toHaveLength(1);
  });
});
