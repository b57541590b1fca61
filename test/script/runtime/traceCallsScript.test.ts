/** Trace calls script (Note [Trace calls script]): one prim::CallFunction / prim::CallMethod that keeps the callee's control flow. */
import { describe, expect, it } from "vitest";
import { load, manualSeed, nn, randn, relu, save, script, ScriptFunction, ScriptModule, tanh, tensor, trace, zerosLike, type Tensor } from "tsjit";
import { expectError, GATE_IR, payloadJSON, TWICE_IR } from "./helpers.js";

const gate = script.compiled(payloadJSON("function", "gate", { gate: GATE_IR }), function gate(x: Tensor): Tensor {
  return x.mean().item() > 0 ? tanh(x) : zerosLike(x);
});

const twice = script.compiled(payloadJSON("function", "twice", { twice: TWICE_IR }, { gate: GATE_IR }), function twice(x: Tensor): Tensor {
  return gate(x).add(gate(x));
});

const POS = tensor([[1, 2], [0.5, -1]]);
const NEG = tensor([[-1, 2], [-0.5, -3]]);

function countKind(text: string, kind: string): number {
  return text.split(kind).length - 1;
}

describe("a traced function calling a scripted function", () => {
  function outer(x: Tensor): Tensor {
    return relu(gate(x.mul(2))).add(1);
  }

  it("records one prim::CallFunction, not the ops inside, and keeps the if", () => {
    const traced = trace(outer, [POS]);
    const text = traced.graph.toString();
    expect(countKind(text, 'prim::CallFunction[name="gate"]')).toBe(1);
    expect(text).not.toContain("prim::If");
    expect(text).not.toContain("aten::tanh");
    expect(traced.functions.get("gate")).toBe(gate.scriptFunction);
  });

  it("gives correct results on inputs taking either branch (the trace took only one)", () => {
    const traced = trace(outer, [POS]);
    for (const x of [POS, NEG]) expect((traced.call(x) as Tensor).tolist()).toEqual(outer(x).tolist());
    expect((traced.call(NEG) as Tensor).tolist()).toEqual([[1, 1], [1, 1]]);
  });

  it("functions calling functions: the callee keeps its own callees; save → load runs", async () => {
    const traced = trace((x: Tensor) => twice(x).neg(), [POS]);
    expect(countKind(traced.graph.toString(), "prim::CallFunction")).toBe(1);
    const loaded = (await load(await save(traced))) as ScriptFunction;
    for (const x of [POS, NEG]) expect((loaded.call(x) as Tensor).tolist()).toEqual(twice(x).neg().tolist());
    expect([...loaded.functions.keys()].sort()).toEqual(["gate", "traced_function", "twice"]);
  });

  it("two different scripted functions with one name are refused", () => {
    const other = script.compiled(payloadJSON("function", "gate", { gate: GATE_IR }), function gate(x: Tensor) {
      return x;
    });
    expectError(() => trace((x: Tensor) => gate(x).add(other(x)), [POS]), "INVALID_ARGUMENT", /two different scripted functions named "gate"/);
  });
});

describe("a traced module calling scripted code", () => {
  class UsesFunction extends nn.Module {
    fc = new nn.Linear(2, 2);
    override forward(x: Tensor): Tensor {
      return gate(this.fc.forward(x));
    }
  }

  it("a scripted function inside a traced module's forward: the module carries it, and saves it", async () => {
    manualSeed(5);
    const model = new UsesFunction();
    const traced = trace(model, [POS]);
    expect(countKind(traced.graph.toString(), 'prim::CallFunction[name="gate"]')).toBe(1);
    expect(traced.functions.get("gate")).toBe(gate.scriptFunction);
    const inputs = [POS, NEG, randn([3, 2]), randn([3, 2]).neg()];
    for (const x of inputs) expect((traced.forward(x) as Tensor).tolist()).toEqual((model.forward(x) as Tensor).tolist());
    const loaded = (await load(await save(traced))) as ScriptModule;
    for (const x of inputs) expect((loaded.forward(x) as Tensor).tolist()).toEqual((model.forward(x) as Tensor).tolist());
  });

  it("a scripted submodule's methods stay prim::CallMethod (with its if)", () => {
    const GATE_METHOD = GATE_IR.replace("graph(%x : Tensor):", "graph(%self : Gated,\n      %x : Tensor):");
    class Gated extends nn.Module {
      override forward(x: Tensor): Tensor {
        return x.mean().item() > 0 ? tanh(x) : zerosLike(x);
      }
      double(x: Tensor): Tensor {
        return x.add(x);
      }
    }
    const doubleIR = `graph(%self : Gated,
      %x : Tensor):
  %one : int = prim::Constant[value=1]()
  %y : Tensor = aten::add.Tensor(%x, %x, %one)
  return (%y)
`;
    const decorator = script.compiled(payloadJSON("class", "Gated", { forward: GATE_METHOD, double: doubleIR }));
    (decorator as (v: unknown, c: unknown) => void)(Gated, { kind: "class", name: "Gated" });
    class Host extends nn.Module {
      sub: nn.Module = script(new Gated());
      override forward(x: Tensor): Tensor {
        const sub = this.sub as ScriptModule;
        return sub.runMethod("double", [sub.forward(x)]) as Tensor;
      }
    }
    const host = new Host();
    const traced = trace(host, [POS]);
    const text = traced.graph.toString();
    expect(countKind(text, 'prim::CallMethod[name="forward"]')).toBe(1);
    expect(countKind(text, 'prim::CallMethod[name="double"]')).toBe(1);
    expect(text).not.toContain("aten::tanh");
    for (const x of [POS, NEG]) expect((traced.forward(x) as Tensor).tolist()).toEqual((host.forward(x) as Tensor).tolist());
    expect((traced.forward(NEG) as Tensor).abs().sum().item()).toBe(0);
    expect((traced.forward(POS) as Tensor).tolist()).toEqual(tanh(POS).mul(2).tolist());
  });

  it("a ScriptModule that is not a submodule cannot be called from a trace", () => {
    const detached = script(new nn.Linear(2, 2));
    expectError(() => trace((x: Tensor) => detached.runMethod("forward", [x]) as Tensor, [POS]), "INVALID_ARGUMENT", /not a submodule of the module being traced/);
  });
});
