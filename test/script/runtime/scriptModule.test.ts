/** script(moduleInstance) with @script methods and classes (payloads recorded by script.compiled decorators). */
import fc from "fast-check";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import { manualSeed, nn, randn, relu, script, ScriptModule, tensor, trace, zerosLike, type Tensor } from "tsjit";
import { setScriptDisabled } from "../../../runtime/jit/script.js";
import { decorateClass, decorateMethod, expectError, payloadJSON } from "./helpers.js";

afterEach(() => setScriptDisabled(undefined));

const GATE_FORWARD = (cls: string) => `graph(%self : ${cls},
      %x : Tensor):
  %fc : Linear = prim::GetAttr[name="fc"](%self)
  %h : Tensor = prim::CallMethod[name="forward"](%fc, %x)
  %none : NoneType = prim::Constant[value=None]()
  %false : bool = prim::Constant[value=false]()
  %m : Tensor = aten::mean.dim(%h, %none, %false, %none)
  %zero : float = prim::Constant[value=0.]()
  %g : Tensor = aten::gt.Scalar(%m, %zero)
  %c : bool = aten::Bool.Tensor(%g)
  %r : Tensor = prim::If(%c)
    block0():
      %t : Tensor = aten::relu(%h)
      -> (%t)
    block1():
      %z : Tensor = aten::zeros_like(%h, %none)
      -> (%z)
  return (%r)
`;

class Gate extends nn.Module {
  fc = new nn.Linear(4, 3);
  override forward(x: Tensor): Tensor {
    const h = this.fc.forward(x);
    return h.mean().item() > 0 ? relu(h) : zerosLike(h);
  }
}
decorateMethod(Gate, "forward", script.compiled(payloadJSON("method", "forward", { forward: GATE_FORWARD("Gate") })));

class Outer extends nn.Module {
  inner: nn.Module = new Gate();
  head = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh());
  factor = 2.5;
  override forward(x: Tensor): Tensor {
    return this.head.forward(this.scale(this.inner.forward(x) as Tensor));
  }
  scale(h: Tensor): Tensor {
    return h.mul(this.factor);
  }
}
decorateClass(
  Outer,
  script.compiled(
    payloadJSON("class", "Outer", {
      forward: `graph(%self : Outer,
      %x : Tensor):
  %inner : Gate = prim::GetAttr[name="inner"](%self)
  %h : Tensor = prim::CallMethod[name="forward"](%inner, %x)
  %s : Tensor = prim::CallMethod[name="scale"](%self, %h)
  %head : Sequential = prim::GetAttr[name="head"](%self)
  %o : Tensor = prim::CallMethod[name="forward"](%head, %s)
  return (%o)
`,
      scale: `graph(%self : Outer,
      %h : Tensor):
  %f : float = prim::GetAttr[name="factor"](%self)
  %r : Tensor = aten::mul.Scalar(%h, %f)
  return (%r)
`,
    }),
  ),
);

function expectSameOutputs(eager: nn.Module, scripted: ScriptModule, inputs: Tensor[]): void {
  for (const x of inputs) expect((scripted.forward(x) as Tensor).tolist()).toEqual((eager.forward(x) as Tensor).tolist());
}

/** An input on which gate.forward takes the `then` branch, and one taking the `else` branch. */
function branchInputs(gate: Gate): [Tensor, Tensor] {
  manualSeed(3);
  let pos: Tensor | undefined;
  let neg: Tensor | undefined;
  while (!pos || !neg) {
    const x = randn([2, 4]).mul(3);
    if (gate.fc.forward(x).mean().item() > 0) pos ??= x;
    else neg ??= x;
  }
  return [pos, neg];
}

describe("@script methods", () => {
  it("a scripted module keeps its if: correct results on inputs taking either branch", () => {
    manualSeed(0);
    const gate = new Gate();
    const scripted = script(gate);
    expect(scripted.className).toBe("Gate");
    expect(scripted.code).toContain("if");
    const [pos, neg] = branchInputs(gate);
    expectSameOutputs(gate, scripted, [pos, neg]);
    expect((scripted.forward(neg) as Tensor).abs().sum().item()).toBe(0);
    expect((scripted.forward(pos) as Tensor).abs().sum().item()).toBeGreaterThan(0);
  });

  it("equals eager on generated inputs", () => {
    manualSeed(0);
    const gate = new Gate();
    const scripted = script(gate);
    fc.assert(
      fc.property(fc.array(fc.float({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 4 }), (row) => {
        const x = tensor([row]);
        expect((scripted.forward(x) as Tensor).tolist()).toEqual((gate.forward(x) as Tensor).tolist());
      }),
    );
  });

  it("binds to the instance: the same Parameters, the library layer's graph for fc", () => {
    const gate = new Gate();
    const scripted = script(gate);
    expect((scripted as unknown as { fc: ScriptModule }).fc.namedParameters()[0]![1]).toBe(gate.fc.weight);
    expect((scripted as unknown as { fc: ScriptModule }).fc.graph.toString()).toContain("aten::linear");
    expect(script(gate)).not.toBe(scripted); // a new ScriptModule per call, sharing parameters
  });

  it("a subclass inherits the compiled method (its %self typed as the subclass)", () => {
    class SubGate extends Gate {}
    const sub = new SubGate();
    const scripted = script(sub);
    expect(scripted.className).toBe("SubGate");
    expect(scripted.graph.inputs[0]!.type).toEqual({ kind: "Module", className: "SubGate" });
    expectSameOutputs(sub, scripted, branchInputs(sub));
  });

  it("an override without @script hides the compiled base method", () => {
    class Over extends Gate {
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    expectError(() => script(new Over()), "NOT_COMPILED", /module <root> \(Over\) has no compiled forward/);
  });
});

describe("@script classes and nested modules", () => {
  it("compiles forward and the methods it reaches; submodules get their own graphs", () => {
    manualSeed(1);
    const outer = new Outer();
    const scripted = script(outer);
    expect([...scripted.methods.keys()]).toEqual(["forward", "scale"]);
    expect(scripted.attributes.get("factor")).toBe(2.5);
    const [pos, neg] = branchInputs(outer.inner as Gate);
    expectSameOutputs(outer, scripted, [pos, neg]);
  });

  it("hybrid: a traced submodule is used as is (script calls trace)", () => {
    manualSeed(2);
    const outer = new Outer();
    const [pos, neg] = branchInputs(outer.inner as Gate);
    const traced = trace(outer.inner, [pos]);
    outer.inner = traced;
    const scripted = script(outer);
    expect((scripted as unknown as { inner: ScriptModule }).inner).toBe(traced);
    expect(traced.graph.toString()).not.toContain("prim::If");
    // The traced submodule took the `then` branch for good: scripted == eager-with-the-traced-inner.
    expectSameOutputs(outer, scripted, [pos, neg]);
  });

  it("a module without a compiled forward is an error naming its path and class", () => {
    class Plain extends nn.Module {
      fc = new nn.Linear(4, 3);
      override forward(x: Tensor): Tensor {
        return this.fc.forward(x);
      }
    }
    const outer = new Outer();
    outer.inner = new Plain();
    expectError(() => script(outer), "NOT_COMPILED", /module "inner" \(Plain\) has no compiled forward/);
  });

  it("a kind mismatch between payload and site is rejected", () => {
    class K extends nn.Module {}
    expectError(() => decorateClass(K, script.compiled(payloadJSON("method", "forward", { forward: GATE_FORWARD("K") }))), "INVALID_PAYLOAD", /decorates a class/);
    expectError(() => decorateMethod(Gate, "forward", script.compiled(payloadJSON("class", "Gate", { forward: GATE_FORWARD("Gate") }))), "INVALID_PAYLOAD", /decorates a method/);
  });
});

describe("@script not compiled", () => {
  it("a plain @script method: script(instance) names the class and method", () => {
    class Marked extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    decorateMethod(Marked, "forward", script);
    expect(new Marked().forward(tensor([1])).tolist()).toEqual([1]); // eager still works
    expectError(
      () => script(new Marked()),
      "NOT_COMPILED",
      `script(module <root> (Marked)): method Marked.forward is marked @script but was not compiled by the tsjit transformer; build with tspc and { "transform": "tsjit/transformer" } in tsconfig.json's compilerOptions.plugins (see docs/language.md)`,
    );
  });

  it("a plain @script class, also as a submodule", () => {
    class MarkedClass extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    decorateClass(MarkedClass, script);
    const outer = new Outer();
    outer.inner = new MarkedClass();
    expectError(() => script(outer), "NOT_COMPILED", /script\(module "inner" \(MarkedClass\)\): class MarkedClass is marked @script but was not compiled/);
  });
});

describe("TSJIT_DISABLE", () => {
  it("script(instance) returns the instance and decorators record nothing", () => {
    setScriptDisabled(true);
    const gate = new Gate();
    expect(script(gate)).toBe(gate);
    class Later extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    decorateMethod(Later, "forward", script.compiled("not even JSON"));
    decorateClass(Later, script);
    setScriptDisabled(false);
    expectError(() => script(new Later()), "NOT_COMPILED", /has no compiled forward/);
  });
});

describe("TypeScript's own decorator lowering (ES2022 target, standard decorators)", () => {
  it("@script.compiled(...) on a method and @script on a class work as tsc emits them", () => {
    const source = `
export function make(script, nn, relu, zerosLike, PAYLOAD) {
  class Gate extends nn.Module {
    fc = new nn.Linear(4, 3);
    @script.compiled(PAYLOAD)
    forward(x) {
      const h = this.fc.forward(x);
      return h.mean().item() > 0 ? relu(h) : zerosLike(h);
    }
  }
  @script
  class Marked extends nn.Module {
    forward(x) { return x; }
  }
  return { Gate, Marked };
}`;
    const { outputText } = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } });
    expect(outputText).toContain("__esDecorate");
    const make = new Function(`${outputText.replace("export function make", "function make")}\nreturn make;`)();
    const { Gate: LoweredGate, Marked } = make(script, nn, relu, zerosLike, payloadJSON("method", "forward", { forward: GATE_FORWARD("Gate") }));
    manualSeed(4);
    const gate = new LoweredGate();
    const scripted = script(gate);
    expectSameOutputs(gate, scripted, branchInputs(gate));
    expectError(() => script(new Marked()), "NOT_COMPILED", /class Marked is marked @script/);
  });
});
