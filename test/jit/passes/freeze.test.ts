import { describe, expect, it } from "vitest";
import { freeze, load, nn, optimizeForInference, save, tensor, type Tensor } from "../../../runtime/index.js";
import { parseGraph } from "../../../runtime/ir/parser.js";
import { printGraph } from "../../../runtime/ir/printer.js";
import { eliminateDeadCode } from "../../../runtime/jit/passes/eliminateDeadCode.js";
import { fuseElementwiseChains } from "../../../runtime/jit/passes/fuseElementwiseChains.js";
import { ScriptFunction } from "../../../runtime/jit/ScriptFunction.js";
import { ScriptModule } from "../../../runtime/jit/ScriptModule.js";
import { thrownTsjitError } from "../../utils/errors.js";
import { ir } from "./helpers.js";

/** Outer { scale: float attribute, useBias: bool attribute, inner: Inner { weight, bias, offset buffer } }. */
function buildModule(): ScriptModule {
  const inner = new ScriptModule("Inner");
  inner.addParameter("weight", new nn.Parameter(tensor([2, 3])));
  inner.addParameter("bias", new nn.Parameter(tensor([10, 20])));
  inner.registerBuffer("offset", tensor([1, 1]));
  inner.defineMethod(
    "forward",
    parseGraph(`graph(%self : Inner, %x : Tensor, %useBias : bool):
  %weight : Tensor = prim::GetAttr[name="weight"](%self)
  %y : Tensor = aten::mul.Tensor(%x, %weight)
  %one : int = prim::Constant[value=1]()
  %r : Tensor = prim::If(%useBias)
    block0():
      %bias : Tensor = prim::GetAttr[name="bias"](%self)
      %yb : Tensor = aten::add.Tensor(%y, %bias, %one)
      -> (%yb)
    block1():
      %offset : Tensor = prim::GetAttr[name="offset"](%self)
      %yo : Tensor = aten::sub.Tensor(%y, %offset, %one)
      -> (%yo)
  return (%r)
`),
  );
  inner.defineMethod(
    "describe",
    parseGraph(`graph(%self : Inner):
  %msg : str = prim::Constant[value="inner"]()
  return (%msg)
`),
  );
  const outer = new ScriptModule("Outer");
  outer.addModule("inner", inner);
  outer.addAttribute("scale", 0.5);
  outer.addAttribute("useBias", false);
  outer.defineMethod(
    "forward",
    parseGraph(`graph(%self : Outer, %x : Tensor):
  %inner : Inner = prim::GetAttr[name="inner"](%self)
  %useBias : bool = prim::GetAttr[name="useBias"](%self)
  %y : Tensor = prim::CallMethod[name="forward"](%inner, %x, %useBias)
  %scale : float = prim::GetAttr[name="scale"](%self)
  %z : Tensor = aten::mul.Scalar(%y, %scale)
  %training : bool = prim::GetAttr[name="training"](%self)
  %p : float = prim::Constant[value=0.1]()
  %d : Tensor = aten::dropout(%z, %p, %training)
  return (%d)
`),
  );
  outer.defineMethod(
    "scaled",
    parseGraph(`graph(%self : Outer, %x : Tensor):
  %scale : float = prim::GetAttr[name="scale"](%self)
  %z : Tensor = aten::mul.Scalar(%x, %scale)
  return (%z)
`),
  );
  return outer.eval() as ScriptModule;
}

describe("freeze", () => {
  it("inlines forward, turns parameters, buffers and attributes into constants, and folds what they decide", () => {
    const module = buildModule();
    const frozen = freeze(module);
    expect(printGraph(frozen.graph)).toBe(
      ir(`graph(%self : Outer, %x : Tensor):
  %useBias : bool = prim::Constant[value=false]()
  %weight : Tensor = prim::Constant[value=tensor:inner.weight]()
  %y : Tensor = aten::mul.Tensor(%x, %weight)
  %one : int = prim::Constant[value=1]()
  %offset : Tensor = prim::Constant[value=tensor:inner.offset]()
  %yo : Tensor = aten::sub.Tensor(%y, %offset, %one)
  %scale : float = prim::Constant[value=0.5]()
  %z : Tensor = aten::mul.Scalar(%yo, %scale)
  %p : float = prim::Constant[value=0.1]()
  %d : Tensor = aten::dropout(%z, %p, %useBias)
  return (%d)
`),
    );
    expect(frozen.graph.constants.get("inner.weight")).toBe((module.getAttr("inner") as ScriptModule).getAttr("weight"));
    expect(frozen.namedParameters()).toEqual([]);
    expect([...frozen.methods.keys()]).toEqual(["forward"]);
    expect(frozen.training).toBe(false);
    const x = tensor([1, -2]);
    expect((frozen.forward(x) as Tensor).tolist()).toEqual((module.forward(x) as Tensor).tolist());
  });

  it("does not change the module it freezes", () => {
    const module = buildModule();
    const before = printGraph(module.graph);
    freeze(module);
    expect(printGraph(module.graph)).toBe(before);
    expect(module.namedParameters().map(([name]) => name)).toEqual(["inner.weight", "inner.bias"]);
  });

  it("keeps the methods preservedMethods names, frozen too, and refuses a name the module does not have", () => {
    const frozen = freeze(buildModule(), { preservedMethods: ["scaled"] });
    expect([...frozen.methods.keys()]).toEqual(["forward", "scaled"]);
    expect([...frozen.methods.get("scaled")!.allNodes()].map((n) => n.kind)).toEqual(["prim::Constant", "aten::mul.Scalar"]);
    const error = thrownTsjitError(() => freeze(buildModule(), { preservedMethods: ["nope"] }), "INVALID_ARGUMENT");
    expect(error.message).toBe("freeze(): ScriptModule Outer has no method 'nope' (methods: forward, scaled)");
  });

  it("requires eval mode, naming the module", () => {
    const module = buildModule().train();
    const error = thrownTsjitError(() => freeze(module as ScriptModule), "INVALID_ARGUMENT");
    expect(error.message).toMatch(/^freeze\(\): ScriptModule Outer is in training mode; call \.eval\(\)/);
    thrownTsjitError(() => optimizeForInference(module as ScriptModule), "INVALID_ARGUMENT");
  });

  it("saves and loads: the tensor constants go into the file, the graph comes back the same", async () => {
    const frozen = freeze(buildModule());
    const loaded = (await load(await save(frozen))) as ScriptModule;
    expect(printGraph(loaded.graph)).toBe(printGraph(frozen.graph));
    expect(loaded.training).toBe(false);
    const x = tensor([3, 4]);
    expect((loaded.forward(x) as Tensor).tolist()).toEqual((frozen.forward(x) as Tensor).tolist());
  });

  it("a recursive call stays a call: the frozen module then shares the module's members", () => {
    const module = new ScriptModule("Countdown");
    module.addParameter("weight", new nn.Parameter(tensor([2])));
    module.defineMethod(
      "forward",
      parseGraph(`graph(%self : Countdown, %x : Tensor, %n : int):
  %zero : int = prim::Constant[value=0]()
  %more : bool = aten::gt.int(%n, %zero)
  %r : Tensor = prim::If(%more)
    block0():
      %weight : Tensor = prim::GetAttr[name="weight"](%self)
      %y : Tensor = aten::mul.Tensor(%x, %weight)
      %one : int = prim::Constant[value=1]()
      %m : int = aten::sub.int(%n, %one)
      %rec : Tensor = prim::CallMethod[name="forward"](%self, %y, %m)
      -> (%rec)
    block1():
      -> (%x)
  return (%r)
`),
    );
    module.eval();
    const frozen = freeze(module);
    expect([...frozen.graph.allNodes()].map((n) => n.kind)).toContain("prim::CallMethod");
    expect(frozen.namedParameters()[0]![1]).toBe(module.namedParameters()[0]![1]);
    expect((frozen.forward(tensor([1]), 3) as Tensor).tolist()).toEqual([8]);
  });

  it("keeps calls to functions, which the frozen module can still run and save", async () => {
    const double = new ScriptFunction(
      "double",
      parseGraph(`graph(%x : Tensor):
  %two : float = prim::Constant[value=2.]()
  %y : Tensor = aten::mul.Scalar(%x, %two)
  return (%y)
`),
    );
    const module = new ScriptModule("Caller");
    module.addParameter("weight", new nn.Parameter(tensor([3, 4])));
    module.addFunction(double);
    module.defineMethod(
      "forward",
      parseGraph(`graph(%self : Caller, %x : Tensor):
  %weight : Tensor = prim::GetAttr[name="weight"](%self)
  %y : Tensor = aten::mul.Tensor(%x, %weight)
  %z : Tensor = prim::CallFunction[name="double"](%y)
  return (%z)
`),
    );
    module.eval();
    const frozen = freeze(module);
    expect([...frozen.graph.allNodes()].map((n) => n.kind)).toEqual(["prim::Constant", "aten::mul.Tensor", "prim::CallFunction"]);
    const loaded = (await load(await save(frozen))) as ScriptModule;
    expect((loaded.forward(tensor([1, 2])) as Tensor).tolist()).toEqual([6, 16]);
  });
});

describe("optimizeForInference", () => {
  it("freezes a module that is not frozen, and settles: optimizing again changes nothing", () => {
    const module = buildModule();
    const optimized = optimizeForInference(module);
    expect(printGraph(optimized.graph)).toBe(printGraph(eliminateDeadCode(fuseElementwiseChains(freeze(module).graph))));
    expect(printGraph(optimizeForInference(optimized).graph)).toBe(printGraph(optimized.graph));
    const x = tensor([5, 6]);
    expect((optimized.forward(x) as Tensor).tolist()).toEqual((module.forward(x) as Tensor).tolist());
  });
});
