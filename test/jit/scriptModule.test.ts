import { describe, expect, it } from "vitest";
import { nn, tensor, Tensor, TsjitError } from "../../runtime/index.js";
import { parseGraph } from "../../runtime/ir/parser.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";

const scaleForward = `graph(%self : Scale,
      %x : Tensor):
  %w : Tensor = prim::GetAttr[name="weight"](%self)
  %s : float = prim::GetAttr[name="scale"](%self)
  %y : Tensor = aten::mul.Tensor(%x, %w) # scale.ts:4:12
  %z : Tensor = aten::mul.Scalar(%y, %s)
  return (%z)
`;

const outerForward = `graph(%self : Outer,
      %x : Tensor):
  %inner : Scale = prim::GetAttr[name="inner"](%self)
  %y : Tensor = prim::CallMethod[name="forward"](%inner, %x) # outer.ts:9:15
  %b : Tensor = prim::GetAttr[name="offset"](%self)
  %one : int = prim::Constant[value=1]()
  %z : Tensor = aten::add.Tensor(%y, %b, %one)
  return (%z)
`;

/** Outer { inner: Scale { weight, scale = 10 }, offset (buffer) }: forward(x) = x * weight * 10 + offset. */
function buildTree(): { outer: ScriptModule; inner: ScriptModule } {
  const inner = new ScriptModule("Scale");
  inner.addParameter("weight", new nn.Parameter(tensor([1, 2, 3])));
  inner.addAttribute("scale", 10);
  inner.defineMethod("forward", parseGraph(scaleForward));
  const outer = new ScriptModule("Outer");
  outer.addModule("inner", inner);
  outer.registerBuffer("offset", tensor([0.5, 0.5, 0.5]));
  outer.defineMethod("forward", parseGraph(outerForward));
  return { outer, inner };
}

describe("ScriptModule", () => {
  it("runs forward through GetAttr and CallMethod on a module tree", () => {
    const { outer } = buildTree();
    const y = outer.forward(tensor([1, 1, 2])) as Tensor;
    expect(y.tolist()).toEqual([10.5, 20.5, 60.5]);
    expect((outer.runMethod("forward", [tensor([0, 0, 1])]) as Tensor).tolist()).toEqual([0.5, 0.5, 30.5]);
  });

  it("is an nn.Module: parameters, buffers, state dict, children, eval", () => {
    const { outer, inner } = buildTree();
    expect(outer).toBeInstanceOf(nn.Module);
    expect(outer.namedParameters().map(([name]) => name)).toEqual(["inner.weight"]);
    expect([...outer.stateDict().keys()]).toEqual(["offset", "inner.weight"]);
    expect(outer.namedChildren()).toEqual([["inner", inner]]);
    expect((outer as unknown as { inner: ScriptModule }).inner).toBe(inner);
    expect(outer.eval()).toBe(outer);
    expect(inner.training).toBe(false);
  });

  it("loadStateDict changes what forward computes", () => {
    const { outer } = buildTree();
    outer.loadStateDict(new Map([["inner.weight", tensor([0, 0, 1])], ["offset", tensor([1, 1, 1])]]));
    expect((outer.forward(tensor([1, 1, 1])) as Tensor).tolist()).toEqual([1, 1, 11]);
  });

  it("exposes methods, graph, code and inlinedGraph", () => {
    const { outer } = buildTree();
    expect([...outer.methods.keys()]).toEqual(["forward"]);
    expect(outer.graph.toString()).toBe(outerForward);
    expect(outer.code).toBe(
      [
        "forward(x: Tensor): Tensor {",
        "  const inner = this.inner;",
        "  const y = inner.forward(x);",
        "  const b = this.offset;",
        "  const z = add(y, b);",
        "  return z;",
        "}",
        "",
      ].join("\n"),
    );
    expect(outer.inlinedGraph.toString()).not.toContain("prim::CallMethod");
  });

  it("reads attributes and training through GetAttr; a missing one is a clear runtime error", () => {
    const m = new ScriptModule("Flags");
    m.addAttribute("name", "flags");
    m.defineMethod(
      "forward",
      parseGraph(`graph(%self : Flags):
  %t : bool = prim::GetAttr[name="training"](%self)
  %n : str = prim::GetAttr[name="name"](%self)
  %t2 : (bool, str) = prim::TupleConstruct(%t, %n)
  return (%t2)
`),
    );
    expect(m.forward()).toEqual([true, "flags"]);
    m.eval();
    expect(m.forward()).toEqual([false, "flags"]);
    m.defineMethod("other", parseGraph('graph(%self : Flags):\n  %v : int = prim::GetAttr[name="nope"](%self) # flags.ts:2:3\n  return (%v)\n'));
    expect(() => m.runMethod("other", [])).toThrow(/ScriptModule Flags has no attribute 'nope' \(it has: name\)[\s\S]*prim::GetAttr\[name="nope"\]\(%self\) # flags.ts:2:3/);
  });

  it("a runtime error inside a submodule names the inner node and the call site", () => {
    const { outer } = buildTree();
    let error: unknown;
    try {
      outer.forward(tensor([1, 2]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TsjitError);
    const message = (error as TsjitError).message;
    expect((error as TsjitError).code).toBe("GRAPH_RUNTIME");
    expect(message).toContain("aten::mul.Tensor(%x, %w) # scale.ts:4:12");
    expect(message).toContain('called from:\n  %y : Tensor = prim::CallMethod[name="forward"](%inner, %x) # outer.ts:9:15');
    expect(((error as TsjitError).cause as TsjitError).code).toBe("SHAPE_MISMATCH");
  });

  it("checks inputs: count and types, naming the method's signature", () => {
    const { outer } = buildTree();
    expect(() => outer.forward()).toThrow(/ScriptModule Outer: forward\(x: Tensor\) -> Tensor expects 1 argument, got 0/);
    expect(() => outer.forward(tensor([1]), tensor([1]))).toThrow(/expects 1 argument, got 2/);
    expect(() => outer.forward(3)).toThrow(/forward\(x: Tensor\) -> Tensor: argument 1 'x' must be Tensor, got 3/);
    expect(() => outer.runMethod("backward", [])).toThrow(/ScriptModule Outer has no method 'backward' \(methods: forward\)/);
  });

  it("rejects name clashes, non-method graphs and graphs the verifier rejects", () => {
    const { outer, inner } = buildTree();
    expect(() => outer.addModule("inner", inner)).toThrow(/attribute "inner" already exists/);
    expect(() => outer.addAttribute("offset", 1)).toThrow(/attribute "offset" already exists/);
    expect(() => outer.addAttribute("forward", 1)).toThrow(/attribute "forward" already exists/);
    expect(() => outer.addParameter("p", tensor([1]) as nn.Parameter)).toThrow(/expected an nn.Parameter/);
    expect(() => outer.defineMethod("f", parseGraph("graph(%x : Tensor):\n  return (%x)\n"))).toThrow(/first input must be the module/);
    const bad = parseGraph("graph(%self : Outer, %x : Tensor):\n  %y : int = aten::relu(%x)\n  return (%y)\n");
    expect(() => outer.defineMethod("bad", bad)).toThrow(TsjitError);
    expect(() => outer.defineMethod("bad", bad)).toThrow(/Outer.bad: verifyGraph/);
  });

  it("compiles lazily and recompiles when a method is redefined", () => {
    const m = new ScriptModule("M");
    m.defineMethod("forward", parseGraph("graph(%self : M, %x : Tensor):\n  %y : Tensor = aten::neg(%x)\n  return (%y)\n"));
    expect((m.forward(tensor([1])) as Tensor).tolist()).toEqual([-1]);
    m.defineMethod("forward", parseGraph("graph(%self : M, %x : Tensor):\n  %y : Tensor = aten::relu(%x)\n  return (%y)\n"));
    expect((m.forward(tensor([-1])) as Tensor).tolist()).toEqual([0]);
  });

  it("methods with several outputs return arrays; other methods are callable by CallMethod on self", () => {
    const m = new ScriptModule("Two");
    m.defineMethod("pair", parseGraph("graph(%self : Two, %x : Tensor):\n  %y : Tensor = aten::neg(%x)\n  return (%x, %y)\n"));
    m.defineMethod(
      "forward",
      parseGraph(`graph(%self : Two, %x : Tensor):
  %a : Tensor, %b : Tensor = prim::CallMethod[name="pair"](%self, %x)
  %one : int = prim::Constant[value=1]()
  %c : Tensor = aten::sub.Tensor(%a, %b, %one)
  return (%c)
`),
    );
    const out = m.runMethod("pair", [tensor([2])]) as Tensor[];
    expect(out.map((t) => t.tolist())).toEqual([[2], [-2]]);
    expect((m.forward(tensor([2])) as Tensor).tolist()).toEqual([4]);
  });
});
