import { describe, expect, it } from "vitest";
import { nn, tensor, Tensor } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { verifyGraph } from "../../runtime/ir/verifier.js";
import { compileGraph, runPlan } from "../../runtime/jit/executor.js";
import { inlineCalls } from "../../runtime/jit/passes/inlineCalls.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";

const leafText = `graph(%self : Leaf,
      %x : Tensor):
  %weight : Tensor = prim::GetAttr[name="weight"](%self) # leaf.ts:5:20
  %k : Tensor = prim::Constant[value=tensor:c0]()
  %y : Tensor = aten::mul.Tensor(%x, %weight) # leaf.ts:5:12
  %one : int = prim::Constant[value=1]()
  %z : Tensor = aten::add.Tensor(%y, %k, %one)
  return (%z)
`;

const midText = `graph(%self : Mid,
      %x : Tensor):
  %a : Leaf = prim::GetAttr[name="a"](%self)
  %b : Leaf = prim::GetAttr[name="b"](%self)
  %ya : Tensor = prim::CallMethod[name="forward"](%a, %x) # mid.ts:8:14
  %yb : Tensor = prim::CallMethod[name="forward"](%b, %ya) # mid.ts:9:14
  %k : Tensor = prim::Constant[value=tensor:c0]()
  %r : Tensor = aten::mul.Tensor(%yb, %k)
  return (%r)
`;

const outerText = `graph(%self : Outer,
      %x : Tensor):
  %mid : Mid = prim::GetAttr[name="mid"](%self)
  %y : Tensor = prim::CallMethod[name="forward"](%mid, %x) # outer.ts:12:12
  %z : Tensor = aten::relu(%y)
  return (%z)
`;

/** Outer { mid: Mid { a: Leaf, b: Leaf } }; every graph has its own tensor constant named c0. */
function buildTree(): ScriptModule {
  const leafGraph = parseGraph(leafText, new Map([["c0", tensor([1, 1])]]));
  const leaf = (w: number[]) => {
    const m = new ScriptModule("Leaf");
    m.addParameter("weight", new nn.Parameter(tensor(w)));
    m.defineMethod("forward", leafGraph);
    return m;
  };
  const mid = new ScriptModule("Mid");
  mid.addModule("a", leaf([2, 3]));
  mid.addModule("b", leaf([-1, 1]));
  mid.defineMethod("forward", parseGraph(midText, new Map([["c0", tensor([10, 100])]])));
  const outer = new ScriptModule("Outer");
  outer.addModule("mid", mid);
  outer.defineMethod("forward", parseGraph(outerText));
  return outer;
}

describe("inlineCalls", () => {
  it("replaces every CallMethod with the callee's nodes, recursively, and computes the same", () => {
    const outer = buildTree();
    const inlined = outer.inlinedGraph;
    verifyGraph(inlined);
    const kinds = [...inlined.allNodes()].map((n) => n.kind);
    expect(kinds).not.toContain("prim::CallMethod");
    expect(kinds.filter((k) => k === "aten::mul.Tensor")).toHaveLength(3);
    for (const input of [tensor([1, 2]), tensor([-3, 0.5])]) {
      const expected = (outer.forward(input) as Tensor).tolist();
      const [actual] = runPlan(compileGraph(inlined), outer, [input]);
      expect((actual as Tensor).tolist()).toEqual(expected);
    }
    // (x*[2,3]+1)*[-1,1]+1 = [-2, 8] for x = [1, 2]; *[10,100] = [-20, 800]; relu
    expect((outer.forward(tensor([1, 2])) as Tensor).tolist()).toEqual([0, 800]);
  });

  it("maps the callee's self to the GetAttr value, keeps debug names and sources, renames clashing constants", () => {
    const inlined = buildTree().inlinedGraph;
    expect(inlined.toString()).toBe(`graph(%self : Outer,
      %x : Tensor):
  %mid : Mid = prim::GetAttr[name="mid"](%self)
  %a : Leaf = prim::GetAttr[name="a"](%mid)
  %b : Leaf = prim::GetAttr[name="b"](%mid)
  %weight : Tensor = prim::GetAttr[name="weight"](%a) # leaf.ts:5:20
  %k : Tensor = prim::Constant[value=tensor:c0]()
  %y : Tensor = aten::mul.Tensor(%x, %weight) # leaf.ts:5:12
  %one : int = prim::Constant[value=1]()
  %z : Tensor = aten::add.Tensor(%y, %k, %one)
  %weight.1 : Tensor = prim::GetAttr[name="weight"](%b) # leaf.ts:5:20
  %k.1 : Tensor = prim::Constant[value=tensor:c0]()
  %y.1 : Tensor = aten::mul.Tensor(%z, %weight.1) # leaf.ts:5:12
  %one.1 : int = prim::Constant[value=1]()
  %z.1 : Tensor = aten::add.Tensor(%y.1, %k.1, %one.1)
  %k.2 : Tensor = prim::Constant[value=tensor:c1]()
  %r : Tensor = aten::mul.Tensor(%z.1, %k.2)
  %z.2 : Tensor = aten::relu(%r)
  return (%z.2)
`);
    expect([...inlined.constants.entries()].map(([name, t]) => [name, t.tolist()])).toEqual([
      ["c0", [1, 1]],
      ["c1", [10, 100]],
    ]);
  });

  it("leaves the original graph unchanged and keeps calls it cannot resolve", () => {
    const outer = buildTree();
    const before = outer.graph.toString();
    void outer.inlinedGraph;
    expect(outer.graph.toString()).toBe(before);
    // A call on a module value not reached from %self (a graph input) stays a call.
    const m = new ScriptModule("Host");
    const text = `graph(%self : Host, %other : Leaf, %x : Tensor):
  %y : Tensor = prim::CallMethod[name="forward"](%other, %x)
  return (%y)
`;
    m.defineMethod("forward", parseGraph(text));
    expect(inlineCalls(m.graph, m).toString()).toBe(text.replace("graph(%self : Host, %other : Leaf, %x : Tensor):", "graph(%self : Host,\n      %other : Leaf,\n      %x : Tensor):"));
  });

  it("inlines a call to another method of self, and stops at recursion", () => {
    const m = new ScriptModule("Self");
    m.defineMethod("helper", parseGraph("graph(%self : Self, %x : Tensor):\n  %y : Tensor = aten::neg(%x)\n  return (%y)\n"));
    m.defineMethod("forward", parseGraph('graph(%self : Self, %x : Tensor):\n  %y : Tensor = prim::CallMethod[name="helper"](%self, %x)\n  return (%y)\n'));
    expect(m.inlinedGraph.toString()).toBe("graph(%self : Self,\n      %x : Tensor):\n  %y : Tensor = aten::neg(%x)\n  return (%y)\n");
    const r = new ScriptModule("Rec");
    const recText = 'graph(%self : Rec, %x : Tensor):\n  %y : Tensor = prim::CallMethod[name="forward"](%self, %x)\n  return (%y)\n';
    r.defineMethod("forward", parseGraph(recText));
    expect([...r.inlinedGraph.allNodes()].map((n) => n.kind)).toEqual(["prim::CallMethod"]);
  });
});
