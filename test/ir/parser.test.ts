import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { TsjitError } from "../../runtime/errors.js";
import { Graph } from "../../runtime/ir/Graph.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { printGraph } from "../../runtime/ir/printer.js";
import { FloatType, IntType, TensorType, moduleType } from "../../runtime/ir/types.js";
import { verifyGraph } from "../../runtime/ir/verifier.js";
import { tensor } from "../../runtime/tensor/factory.js";
import { CORPUS } from "./corpus.js";
import { randomGraph } from "./randomGraph.js";
import { thrownTsjitError } from "../utils/errors.js";

const constants = new Map([
  ["c0", tensor([1, 2, 3])],
  ["odd name", tensor([4])],
]);

function parseError(text: string): TsjitError {
  return thrownTsjitError(() => parseGraph(text), "INVALID_GRAPH");
}

describe("print(parse(s)) === s", () => {
  for (const [name, text] of Object.entries(CORPUS)) {
    test(name, () => {
      const graph = parseGraph(text, constants);
      expect(printGraph(graph)).toBe(text);
      expect(graph.toString()).toBe(text);
      verifyGraph(graph);
    });
  }

  test("the parser keeps names and structure", () => {
    const graph = parseGraph(CORPUS.ifInsideLoop!);
    expect(graph.inputs.map((v) => v.debugName)).toEqual(["x", "n"]);
    const loop = graph.block.nodes[2]!;
    expect(loop.kind).toBe("prim::Loop");
    expect(loop.source).toEqual({ file: "m.ts", line: 3, col: 3 });
    expect(loop.blocks[0]!.params.map((v) => v.debugName)).toEqual(["i", "h", "c"]);
    const ifNode = loop.blocks[0]!.nodes[1]!;
    expect(ifNode.blocks[1]!.nodes[1]!.blocks).toHaveLength(2);
    expect(graph.outputs.map((v) => v.debugName)).toEqual(["out", "count"]);
    // Uses are recorded: %h is used by RaiseException's block return and by tanh.
    const h = loop.blocks[0]!.params[1]!;
    expect(h.uses).toHaveLength(2);
  });

  test("attribute values keep their kinds", () => {
    const graph = parseGraph(CORPUS.everyAttributeKind!, constants);
    const values = graph.block.nodes.filter((n) => n.kind === "prim::Constant").map((n) => n.attributes.get("value"));
    expect(values.slice(0, 4)).toEqual([3, 0.5, 2, 1e-5]);
    expect(Number.isNaN(values[4])).toBe(true);
    expect(values.slice(5, 13)).toEqual([Infinity, -Infinity, 'fc1 "quoted"\n', true, null, [1, -2], "float32", { tensor: "c0" }]);
    expect(Object.is(values[15], -0)).toBe(true);
    expect(graph.constants.get("c0")).toBe(constants.get("c0"));
  });

  test("Windows paths and spaces in source comments", () => {
    const graph = parseGraph(CORPUS.listsTuplesAndMultipleOutputs!);
    expect(graph.block.nodes[2]!.source).toEqual({ file: "C:\\models\\m.ts", line: 1, col: 2 });
    expect(graph.block.nodes.at(-1)!.source).toEqual({ file: "dir with space/file.ts", line: 12, col: 1 });
  });
});

describe("printer naming", () => {
  test("unnamed values get the smallest unused integers; duplicates get suffixes", () => {
    const g = new Graph();
    const x = g.addInput(TensorType, "x");
    const a = g.appendNode("aten::relu", [x]).addOutput(TensorType);
    const b = g.appendNode("aten::relu", [a]).addOutput(TensorType, "x");
    const c = g.appendNode("aten::relu", [b]).addOutput(TensorType, "1");
    const d = g.appendNode("aten::relu", [c]).addOutput(TensorType);
    const e = g.appendNode("aten::relu", [d]).addOutput(TensorType, "bad name!");
    g.registerOutput(e);
    expect(printGraph(g)).toBe(`graph(%x : Tensor):
  %0 : Tensor = aten::relu(%x)
  %x.1 : Tensor = aten::relu(%0)
  %1 : Tensor = aten::relu(%x.1)
  %2 : Tensor = aten::relu(%1)
  %bad_name_ : Tensor = aten::relu(%2)
  return (%bad_name_)
`);
  });

  test("floats print so that they read back as floats; ints as ints", () => {
    const g = new Graph();
    const f = g.appendNode("prim::Constant").setAttribute("value", 2).addOutput(FloatType);
    const i = g.appendNode("prim::Constant").setAttribute("value", 2).addOutput(IntType);
    g.registerOutput(f);
    g.registerOutput(i);
    expect(printGraph(g)).toContain("%0 : float = prim::Constant[value=2.]()");
    expect(printGraph(g)).toContain("%1 : int = prim::Constant[value=2]()");
  });

  test("attributes are printed sorted by name", () => {
    const g = new Graph();
    const self = g.addInput(moduleType("M"), "self");
    g.appendNode("prim::CallMethod", [self]).setAttribute("z", 1).setAttribute("name", "forward").setAttribute("a", true);
    expect(printGraph(g)).toContain(`prim::CallMethod[a=true, name="forward", z=1](%self)`);
  });
});

describe("numbers", () => {
  test("every double and every safe integer prints in a form that parses back exactly", () => {
    const roundTrip = (value: number, type: "float" | "int") => {
      const g = new Graph();
      g.registerOutput(g.appendNode("prim::Constant").setAttribute("value", value).addOutput(type === "float" ? FloatType : IntType));
      const text = printGraph(g);
      const back = parseGraph(text);
      expect(Object.is(back.block.nodes[0]!.attributes.get("value"), value)).toBe(true);
      expect(printGraph(back)).toBe(text);
      return text;
    };
    fc.assert(fc.property(fc.double(), (v) => void roundTrip(v, "float")), { numRuns: 2000 });
    fc.assert(fc.property(fc.maxSafeInteger(), (v) => void roundTrip(v, "int")), { numRuns: 500 });
    expect(roundTrip(1e-5, "float")).toContain("value=1e-05]");
    expect(roundTrip(1e21, "float")).toContain("value=1e+21]");
    expect(roundTrip(1e-7, "float")).toContain("value=1e-07]");
    expect(roundTrip(0.0001, "float")).toContain("value=0.0001]");
    expect(roundTrip(-3, "float")).toContain("value=-3.]");
  });

  test("whitespace and indentation are not significant to the parser", () => {
    const text = "graph( %x : Tensor ,%c:bool ) :\n%y : Tensor = prim::If( %c )\n block0 ( ) :\n -> ( %x )\n block1():\n->(%x)\nreturn ( %y )";
    expect(printGraph(parseGraph(text))).toBe(`graph(%x : Tensor,
      %c : bool):
  %y : Tensor = prim::If(%c)
    block0():
      -> (%x)
    block1():
      -> (%x)
  return (%y)
`);
  });
});

describe("random graphs", () => {
  test("print → parse → print is the identity, and both graphs verify", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const graph = randomGraph(g);
        verifyGraph(graph);
        const text = printGraph(graph);
        const parsed = parseGraph(text, graph.constants);
        verifyGraph(parsed);
        expect(printGraph(parsed)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parse errors name line:column and what was expected", () => {
  const cases: [string, string, RegExp][] = [
    ["missing header", `grph():\n  return ()\n`, /1:1: expected 'graph\(' at the start/],
    ["missing type", `graph(%x):\n  return (%x)\n`, /1:9: expected ':' after %x/],
    ["undefined value", `graph(%x : Tensor):\n  %y : Tensor = aten::relu(%z)\n  return (%y)\n`, /2:28: undefined value %z/],
    ["unknown op", `graph(%x : Tensor):\n  %y : Tensor = aten::frobnicate(%x)\n  return (%y)\n`, /2:17: unknown node kind 'aten::frobnicate'/],
    ["unknown overload", `graph(%x : Tensor):\n  %y : Tensor = aten::relu.Scalar(%x)\n  return (%y)\n`, /unknown node kind 'aten::relu.Scalar'/],
    ["unknown prim", `graph(%x : Tensor):\n  %y : Tensor = prim::Frob(%x)\n  return (%y)\n`, /unknown node kind 'prim::Frob'/],
    ["bad attribute", `graph():\n  %a : int = prim::Constant[value=@]()\n  return (%a)\n`, /2:35: expected a number for attribute 'value'/],
    ["duplicate attribute", `graph():\n  %a : int = prim::Constant[value=1, value=2]()\n  return (%a)\n`, /duplicate attribute 'value'/],
    ["bad block label", `graph(%c : bool):\n  prim::If(%c)\n    block1():\n      -> ()\n  return ()\n`, /3:5: expected 'block0'/],
    ["unterminated block", `graph(%c : bool):\n  prim::If(%c)\n    block0():\n  return ()\n`, /expected a node or '-> \(\.\.\.\)' to end block0/],
    ["missing return", `graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n`, /expected a node or 'return \(\.\.\.\)', found end of text/],
    ["trailing text", `graph():\n  return ()\nextra\n`, /3:1: unexpected 'extra'/],
    ["bad source comment", `graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x) # nowhere\n  return (%y)\n`, /2:32: expected a source location/],
    ["bad type", `graph(%x : Tensor[):\n  return ()\n`, /expected ':'|expected '\)'/],
    ["missing tensor constant", `graph():\n  %t : Tensor = prim::Constant[value=tensor:w]()\n  return (%t)\n`, /tensor constant 'w' is not among the given constants/],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      const error = name === "missing tensor constant" ? catchError(() => parseGraph(text, new Map())) : parseError(text);
      expect(error.message).toMatch(message);
    });
  }

  test("the message shows the offending line with a caret", () => {
    const error = parseError(`graph(%x : Tensor):\n  %y : Tensor = aten::relu(%z)\n  return (%y)\n`);
    expect(error.message).toContain("\n    %y : Tensor = aten::relu(%z)\n" + " ".repeat(2 + 27) + "^");
  });

  test("deeply nested types fail cleanly", () => {
    const error = parseError(`graph(%x : ${"(".repeat(5000)}Tensor${")".repeat(5000)}):\n  return ()\n`);
    expect(error.message).toMatch(/nested deeper/);
  });
});

const catchError = (fn: () => unknown): TsjitError => thrownTsjitError(fn);
