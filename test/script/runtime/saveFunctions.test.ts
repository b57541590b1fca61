/** save → load of scripted modules and of programs with prim::CallFunction (the program-level "functions" table). */
import { describe, expect, it } from "vitest";
import { graphToJSON, load, manualSeed, nn, parseGraph, randn, save, script, ScriptFunction, ScriptModule, tanh, tensor, zerosLike, type Tensor } from "tsjit";
import { editProgram, expectTsjitError, metadataOf, splitFile } from "../../serialize/helpers.js";
import { GATE_IR, payloadJSON, TWICE_IR } from "./helpers.js";

const gate = script.compiled(payloadJSON("function", "gate", { gate: GATE_IR }), function gate(x: Tensor): Tensor {
  return x.mean().item() > 0 ? tanh(x) : zerosLike(x);
});
const twice = script.compiled(payloadJSON("function", "twice", { twice: TWICE_IR }, { gate: GATE_IR }), function twice(x: Tensor): Tensor {
  return gate(x).add(gate(x));
});

const POS = tensor([[1, 2], [0.5, -1]]);
const NEG = tensor([[-1, 2], [-0.5, -3]]);

function programOf(bytes: Uint8Array): Record<string, any> {
  return JSON.parse(metadataOf(splitFile(bytes))["tsjit.program"]!);
}

describe("saving scripted functions", () => {
  it("save accepts the callable script(fn) returns; load gives a ScriptFunction with the if", async () => {
    const bytes = await save(gate);
    expect(programOf(bytes)).not.toHaveProperty("functions");
    const loaded = (await load(bytes)) as ScriptFunction;
    expect(loaded).toBeInstanceOf(ScriptFunction);
    expect(loaded.graph.toString()).toContain("prim::If");
    for (const x of [POS, NEG]) expect((loaded.call(x) as Tensor).tolist()).toEqual(gate(x).tolist());
  });

  it("a function calling functions: the program's functions table, deterministic, round-trips", async () => {
    const bytes = await save(twice);
    expect(await save(twice)).toEqual(bytes);
    const program = programOf(bytes);
    expect(Object.keys(program)).toEqual(["kind", "name", "graph", "functions"]);
    expect(Object.keys(program["functions"])).toEqual(["gate"]);
    const loaded = (await load(bytes)) as ScriptFunction;
    for (const x of [POS, NEG]) expect((loaded.call(x) as Tensor).tolist()).toEqual(twice(x).tolist());
    // load → save gives the same bytes again
    expect(await save(loaded)).toEqual(bytes);
  });

  it("tensor constants of called functions are stored under __constants__/@functions/<name>/", async () => {
    const constants = new Map([["c0", tensor([10, 20])]]);
    const addC = new ScriptFunction(
      "addC",
      parseGraph(
        `graph(%x : Tensor):
  %c : Tensor = prim::Constant[value=tensor:c0]()
  %one : int = prim::Constant[value=1]()
  %y : Tensor = aten::add.Tensor(%x, %c, %one)
  return (%y)
`,
        constants,
      ),
    );
    const main = new ScriptFunction("main", parseGraph(`graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name="addC"](%x)\n  return (%y)\n`));
    main.addFunction(addC);
    const bytes = await save(main);
    expect(Object.keys(splitFile(bytes).header)).toContain("__constants__/@functions/addC/c0");
    const loaded = (await load(bytes)) as ScriptFunction;
    expect((loaded.call(tensor([1, 2])) as Tensor).tolist()).toEqual([11, 22]);
  });

  it("save refuses two different functions under one name", async () => {
    const a = new ScriptFunction("g", parseGraph(`graph(%x : Tensor):\n  return (%x)\n`));
    const b = new ScriptFunction("g", parseGraph(`graph(%x : Tensor):\n  %y : Tensor = aten::tanh(%x)\n  return (%y)\n`));
    const callsA = new ScriptFunction("f1", parseGraph(`graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name="g"](%x)\n  return (%y)\n`));
    callsA.addFunction(a);
    const m = new ScriptModule("M");
    m.addFunction(b);
    m.addFunction(callsA);
    m.defineMethod("forward", parseGraph(`graph(%self : M,\n      %x : Tensor):\n  %y : Tensor = prim::CallFunction[name="f1"](%x)\n  %z : Tensor = prim::CallFunction[name="g"](%y)\n  return (%z)\n`));
    await expectTsjitError(() => save(m), "INVALID_ARGUMENT");
  });
});

describe("loading rejects a wrong functions table", () => {
  const bad = async (edit: (program: Record<string, any>) => void, message: RegExp) => {
    const bytes = editProgram(await save(twice), edit);
    expect((await expectTsjitError(() => load(bytes), "INVALID_FILE")).message).toMatch(message);
  };

  it("a call to a function the table does not have", async () => {
    await bad((p) => delete p["functions"], /program.graph: prim::CallFunction\[name="gate"\].* calls function "gate", which program.functions does not have/);
  });

  it("an empty table, a bad name, the program's own name", async () => {
    await bad((p) => (p["functions"] = {}), /program.functions is empty/);
    await bad((p) => (p["functions"]["a-b"] = p["functions"]["gate"]), /program.functions\["a-b"\] is not a valid function name/);
    await bad((p) => (p["functions"]["twice"] = p["functions"]["gate"]), /program.functions.twice has the name of the program's own function/);
  });

  it("a function graph with %self, or one that does not verify", async () => {
    await bad((p) => (p["functions"]["gate"]["inputs"][0]["type"] = "M"), /program.functions.gate/);
    await bad((p) => (p["functions"]["gate"]["nodes"][0]["kind"] = "aten::nope"), /program.functions.gate: .*nope/);
  });

  it("recursion through functions", async () => {
    await bad((p) => {
      p["functions"]["twice2"] = p["graph"];
      p["functions"]["twice2"] = JSON.parse(JSON.stringify(p["graph"]).replace('"gate"', '"twice2"'));
    }, /calls itself/);
  });

  it("a call passing the wrong number or types of arguments", async () => {
    const takesTwo = graphToJSON(parseGraph("graph(%x : Tensor,\n      %y : Tensor):\n  return (%x)\n"));
    await bad((p) => (p["functions"]["gate"] = takesTwo), /program.graph: .*passes 1 argument\(s\), but the function takes 2/);
    const takesInt = graphToJSON(
      parseGraph(`graph(%n : int):
  %l : int[] = prim::ListConstruct(%n)
  %none : NoneType = prim::Constant[value=None]()
  %t : Tensor = aten::zeros(%l, %none)
  return (%t)
`),
    );
    await bad((p) => (p["functions"]["gate"] = takesInt), /program.graph: .*argument 1 has type Tensor, but the function takes int/);
  });
});

describe("saving scripted modules", () => {
  const GATE_METHOD = GATE_IR.replace("graph(%x : Tensor):", "graph(%self : Net,\n      %x : Tensor):").replace(
    "%m : Tensor = aten::mean.dim(%x,",
    '%fc : Linear = prim::GetAttr[name="fc"](%self)\n  %x2 : Tensor = prim::CallMethod[name="forward"](%fc, %x)\n  %cf : Tensor = prim::CallFunction[name="gate"](%x2)\n  %m : Tensor = aten::mean.dim(%cf,',
  );

  class Net extends nn.Module {
    fc = new nn.Linear(2, 2);
    norm = new nn.Sequential(new nn.LayerNorm(2), new nn.Dropout(0.2));
    override forward(x: Tensor): Tensor {
      const cf = gate(this.fc.forward(x));
      return cf.mean().item() > 0 ? tanh(x) : zerosLike(x);
    }
  }
  const decorate = script.compiled(payloadJSON("method", "forward", { forward: GATE_METHOD }, { gate: GATE_IR }));
  (decorate as (v: unknown, c: unknown) => void)(Net.prototype.forward, { kind: "method", name: "forward" });

  it("a scripted module with library layers and a function: save → load gives the same outputs", async () => {
    manualSeed(9);
    const net = new Net().eval();
    const scripted = script(net);
    const inputs = [POS, NEG, randn([4, 2]), randn([4, 2]).mul(-3)];
    for (const x of inputs) expect((scripted.forward(x) as Tensor).tolist()).toEqual((net.forward(x) as Tensor).tolist());
    const bytes = await save(scripted);
    const program = programOf(bytes);
    expect(Object.keys(program["functions"])).toEqual(["gate"]);
    expect(Object.keys(program["root"]["children"])).toEqual(["fc", "norm"]);
    const loaded = (await load(bytes)) as ScriptModule;
    expect(loaded.className).toBe("Net");
    expect(loaded.code).toBe(scripted.code);
    for (const x of inputs) expect((loaded.forward(x) as Tensor).tolist()).toEqual((net.forward(x) as Tensor).tolist());
  });

  it("a module calling a function the table lacks is rejected on load", async () => {
    const bytes = editProgram(await save(script(new Net().eval())), (p) => delete p["functions"]);
    expect((await expectTsjitError(() => load(bytes), "INVALID_FILE")).message).toMatch(/program.root.methods.forward: .* calls function "gate"/);
  });
});
