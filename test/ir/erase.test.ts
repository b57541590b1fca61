/** The Graph mutators that remove one input, output, block parameter or return keep every use exact (the verifier checks it). */
import { describe, expect, it } from "vitest";
import { parseGraph } from "../../runtime/ir/parser.js";
import { printGraph } from "../../runtime/ir/printer.js";
import { verifyGraph } from "../../runtime/ir/verifier.js";

describe("erasing inputs, outputs, params and returns", () => {
  it("renumbers the uses of the values after the one removed, a value used several times included", () => {
    const graph = parseGraph(`graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %a : Tensor, %b : Tensor, %c : Tensor = prim::Loop(%n, %true, %x, %x, %x)
    block0(%i : int, %p : Tensor, %q : Tensor, %r : Tensor):
      -> (%true, %p, %q, %r)
  return (%a, %c)
`);
    const loop = [...graph.allNodes()].find((n) => n.kind === "prim::Loop")!;
    const body = loop.blocks[0]!;
    body.eraseReturn(2);
    body.eraseParam(2);
    loop.eraseInput(3);
    loop.eraseOutput(1);
    verifyGraph(graph);
    expect(printGraph(graph)).toBe(
      printGraph(
        parseGraph(`graph(%x : Tensor, %n : int):
  %true : bool = prim::Constant[value=true]()
  %a : Tensor, %c : Tensor = prim::Loop(%n, %true, %x, %x)
    block0(%i : int, %p : Tensor, %r : Tensor):
      -> (%true, %p, %r)
  return (%a, %c)
`),
      ),
    );
    expect(graph.inputs[0]!.uses.map((u) => u.index).sort()).toEqual([2, 3]);
  });

  it("refuses to remove an output or a parameter that is still used", () => {
    const graph = parseGraph(`graph(%x : Tensor):
  %y : Tensor = aten::relu(%x)
  return (%y)
`);
    const relu = graph.block.nodes[0]!;
    expect(() => relu.eraseOutput(0)).toThrow(/still used/);
    expect(() => graph.block.eraseParam(0)).toThrow(/still used/);
  });
});
