/**
 * exportOnnx's contract apart from the models: the file it writes, the options
 * (opset, names, dynamic axes), the errors (an op without a mapping names its kind
 * and TypeScript line; bad options name the option), and the mapping table's keys.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nn, parseGraph, script, ScriptFunction, tensor, type Tensor } from "../../runtime/index.js";
import { nodeKindOf } from "../../runtime/ir/opKinds.js";
import { allOps } from "../../runtime/ops/registry.js";
import { exportOnnx, OP_MAPPINGS, toOnnxModel } from "../../runtime/onnx/index.js";
import { decodeModelProto } from "../../runtime/onnx/proto.js";
import { loadFixtureModel } from "../utils/fixtureModels.js";
import { thrownTsjitError } from "../utils/errors.js";
import { loadModelCases } from "../utils/modelFixtures.js";
import { GATE_IR } from "../script/runtime/helpers.js";
import { maxAbs, maxAbsDifference, ortSession, runOrt } from "./ortRun.js";
import { compileModelForwards } from "../utils/compileModelForwards.js";

beforeAll(compileModelForwards);

function fn(name: string, ir: string): ScriptFunction {
  return new ScriptFunction(name, parseGraph(ir));
}

describe("exportOnnx", () => {
  it("is the package entry tsjit/onnx, and not part of tsjit (which never loads protobufjs)", () => {
    const probe = `const onnx = await import("tsjit/onnx"); const main = await import("tsjit");
      console.log(JSON.stringify([typeof onnx.exportOnnx, typeof onnx.toOnnxModel, "exportOnnx" in main]));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: join(import.meta.dirname, "../.."), encoding: "utf8" });
    expect(JSON.parse(out)).toEqual(["function", "function", false]);
  });

  it("returns the ModelProto bytes and writes them to the path", async () => {
    const model = script(await loadFixtureModel("simple"));
    const path = join(mkdtempSync(join(tmpdir(), "tsjit-onnx-")), "simple.onnx");
    const bytes = await exportOnnx(model, path);
    expect(readFileSync(path)).toEqual(Buffer.from(bytes));
    expect(await exportOnnx(model)).toEqual(bytes);
    const proto = decodeModelProto(bytes);
    expect(proto.opset_import).toEqual([{ domain: "", version: 17 }]);
    // Without exampleInputs the input's rank is unknown: linear is MatMul by the transposed weight, not Gemm.
    expect(proto.graph.node.map((n) => n.op_type)).toEqual(["MatMul", "Add", "Relu", "Identity"]);
    expect(proto.graph.initializer.map((init) => [init.name, init.dims])).toEqual([
      ["fc.bias", [5]],
      ["fc.weight.T", [10, 5]],
    ]);
  });

  it("uses inputNames and outputNames, and dynamicAxes for the dims that vary", async () => {
    const [example] = loadModelCases("simple");
    const proto = decodeModelProto(
      toOnnxModel(script(await loadFixtureModel("simple")), { inputNames: ["features"], outputNames: ["scores"], exampleInputs: example!.inputs, dynamicAxes: { features: { 0: "n" } } }),
    );
    expect(proto.graph.input.map((io) => [io.name, io.type.tensor_type.shape!.dim])).toEqual([["features", [{ dim_param: "n" }, { dim_value: 10 }]]]);
    expect(proto.graph.output.map((io) => [io.name, io.type.tensor_type.shape!.dim])).toEqual([["scores", [{}, {}]]]);
  });

  it("keeps input and output names apart from weights' names, and refuses a name given twice", async () => {
    const model = script(await loadFixtureModel("simple"));
    const [example] = loadModelCases("simple");
    const bytes = toOnnxModel(model, { inputNames: ["fc.weight"], outputNames: ["fc.bias"], exampleInputs: example!.inputs });
    expect(decodeModelProto(bytes).graph.initializer.map((init) => init.name).sort()).toEqual(["fc.bias_0", "fc.weight_1"]);
    const [got] = await runOrt(await ortSession(bytes), example!.inputs);
    expect(maxAbsDifference(got!, model.forward(...example!.inputs) as Tensor)).toBeLessThanOrEqual(1e-6);
    expect(thrownTsjitError(() => toOnnxModel(model, { inputNames: ["x"], outputNames: ["x"] }), "INVALID_ARGUMENT").message).toBe(
      "exportOnnx(): the name 'x' is given to two graph inputs or outputs",
    );
  });

  it("refuses options whose lengths do not match the graph's inputs and outputs", async () => {
    const model = script(await loadFixtureModel("simple"));
    expect(thrownTsjitError(() => toOnnxModel(model, { exampleInputs: [] }), "INVALID_ARGUMENT").message).toBe("exportOnnx(): exampleInputs has 0 entries, but the graph has 1 inputs");
    expect(thrownTsjitError(() => toOnnxModel(model, { inputNames: ["a", "b"] }), "INVALID_ARGUMENT").message).toBe("exportOnnx(): inputNames has 2 entries, but the graph has 1 inputs");
    expect(thrownTsjitError(() => toOnnxModel(model, { outputNames: [] }), "INVALID_ARGUMENT").message).toBe("exportOnnx(): outputNames has 0 entries, but the graph has 1 outputs");
  });

  it("exports a scripted function; a scalar condition becomes an If", async () => {
    const gate = fn("gate", GATE_IR);
    const bytes = toOnnxModel(gate, { exampleInputs: [tensor([[1, 2]])] });
    expect(decodeModelProto(bytes).graph.node.map((n) => n.op_type)).toContain("If");
    const session = await ortSession(bytes);
    for (const x of [tensor([[1, -0.5]]), tensor([[-1, 0.5]])]) {
      const [got] = await runOrt(session, [x]);
      expect(maxAbsDifference(got!, gate.call(x) as Tensor)).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe("calls between scripted functions", () => {
  const SQUASH_IR = `graph(%x : Tensor, %k : float):
  %one : int = prim::Constant[value=1]()
  %scaled : Tensor = aten::mul.Scalar(%x, %k)
  %y : Tensor = aten::tanh(%scaled)
  %z : Tensor = aten::add.Scalar(%y, %k, %one)
  return (%z)`;

  it("are inlined, arguments and all", async () => {
    const squash = fn("squash", SQUASH_IR);
    const twice = fn(
      "twice",
      `graph(%x : Tensor):
  %half : float = prim::Constant[value=0.5]()
  %three : float = prim::Constant[value=3.]()
  %a : Tensor = prim::CallFunction[name="squash"](%x, %half)
  %b : Tensor = prim::CallFunction[name="squash"](%a, %three)
  return (%b)`,
    );
    twice.addFunction(squash);
    const bytes = toOnnxModel(twice, { exampleInputs: [tensor([[1, 2, 3]])] });
    expect(decodeModelProto(bytes).graph.node.filter((n) => n.op_type === "Tanh")).toHaveLength(2);
    const x = tensor([[-1, 0.25, 2]]);
    const [got] = await runOrt(await ortSession(bytes), [x]);
    expect(maxAbsDifference(got!, twice.call(x) as Tensor)).toBeLessThanOrEqual(1e-6);
  });

  it("refuses recursion and unknown functions, naming the call", () => {
    const loop = fn("loop", `graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name="loop"](%x) # loop.ts:2:3\n  return (%y)`);
    expect(thrownTsjitError(() => toOnnxModel(loop), "NOT_IMPLEMENTED").message).toMatch(/^exportOnnx\(\): prim::CallFunction calls loop recursively, which cannot be inlined, at loop\.ts:2:3/);
    const lost = fn("lost", `graph(%x : Tensor):\n  %y : Tensor = prim::CallFunction[name="nowhere"](%x) # lost.ts:2:3\n  return (%y)`);
    expect(thrownTsjitError(() => toOnnxModel(lost), "NOT_IMPLEMENTED").message).toMatch(/calls a function the exported module or function does not have \("nowhere"\), at lost\.ts:2:3/);
  });
});

describe("opset", () => {
  it("is honoured: attention at opset 13 uses no LayerNormalization and still matches tsjit in ONNX Runtime", async () => {
    const model = script(await loadFixtureModel("attention"));
    const [example] = loadModelCases("attention");
    const at = (opset: number) => decodeModelProto(toOnnxModel(model, { opset, exampleInputs: example!.inputs }));
    expect(at(17).graph.node.map((n) => n.op_type)).toContain("LayerNormalization");
    const old = at(13);
    expect(old.opset_import).toEqual([{ domain: "", version: 13 }]);
    expect(old.graph.node.map((n) => n.op_type)).not.toContain("LayerNormalization");
    const session = await ortSession(toOnnxModel(model, { opset: 13, exampleInputs: example!.inputs }));
    const [got] = await runOrt(session, example!.inputs);
    const want = model.forward(...example!.inputs) as Tensor;
    expect(maxAbsDifference(got!, want)).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
  });

  it.each([12, 18, 17.5])("refuses opset %s, naming the supported range", async (opset) => {
    const model = script(await loadFixtureModel("simple"));
    expect(thrownTsjitError(() => toOnnxModel(model, { opset }), "INVALID_ARGUMENT").message).toBe(`exportOnnx(): opset ${opset} is not supported (supported: 13 to 17)`);
  });
});

describe("export errors", () => {
  it("an op without a mapping names its kind and the TypeScript line it came from", () => {
    const noisy = fn(
      "noisy",
      `graph(%x : Tensor):
  %none : NoneType = prim::Constant[value=None]()
  %one : int = prim::Constant[value=1]()
  %noise : Tensor = aten::randn_like(%x, %none) # models/noise.ts:7:12
  %y : Tensor = aten::add.Tensor(%x, %noise, %one)
  return (%y)`,
    );
    const error = thrownTsjitError(() => toOnnxModel(noisy), "NOT_IMPLEMENTED");
    expect(error.message).toBe("exportOnnx(): aten::randn_like has no ONNX mapping, at models/noise.ts:7:12\n  %noise : Tensor = aten::randn_like(%x, %none) # models/noise.ts:7:12");
  });

  it("an argument that must be known at export time names the argument", () => {
    const dynamicChunks = fn(
      "dynamicChunks",
      `graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %n : int = aten::size.int(%x, %zero)
  %parts : Tensor[] = aten::chunk(%x, %n, %zero) # split.ts:2:3
  %a : Tensor = aten::__getitem__.t(%parts, %zero)
  return (%a)`,
    );
    expect(thrownTsjitError(() => toOnnxModel(dynamicChunks), "NOT_IMPLEMENTED").message).toMatch(/^exportOnnx\(\): aten::chunk needs argument 'chunks' known at export time \(it is computed at run time\), at split\.ts:2:3\n/);
  });

  it("unbind's list must be unpacked, so the number of pieces is known", () => {
    const indexed = fn(
      "indexed",
      `graph(%x : Tensor):
  %zero : int = prim::Constant[value=0]()
  %rows : Tensor[] = aten::unbind.int(%x, %zero) # rows.ts:3:16
  %first : Tensor = aten::__getitem__.t(%rows, %zero)
  return (%first)`,
    );
    expect(thrownTsjitError(() => toOnnxModel(indexed), "NOT_IMPLEMENTED").message).toMatch(
      /^exportOnnx\(\): aten::unbind\.int needs its list unpacked into variables \(`const \[a, b\] = \.\.\.`\) so the number of pieces is known at export time, at rows\.ts:3:16/,
    );
  });

  it("an If cannot return a list, and says which branch", () => {
    const pick = fn(
      "pick",
      `graph(%x : Tensor, %c : bool):
  %l : Tensor[] = prim::If(%c) # pick.ts:1:1
    block0():
      %a : Tensor[] = prim::ListConstruct(%x)
      -> (%a)
    block1():
      %b : Tensor[] = prim::ListConstruct(%x, %x)
      -> (%b)
  %zero : int = prim::Constant[value=0]()
  %y : Tensor = aten::__getitem__.t(%l, %zero)
  return (%y)`,
    );
    expect(thrownTsjitError(() => toOnnxModel(pick), "NOT_IMPLEMENTED").message).toMatch(
      /^exportOnnx\(\): prim::If cannot return a value from its then branch: a list of tensors is not one ONNX tensor, at pick\.ts:1:1\n/,
    );
  });

  it("an op that needs its input's rank asks for exampleInputs", () => {
    const swap = fn(
      "swap",
      `graph(%x : Tensor):
  %a : int = prim::Constant[value=0]()
  %b : int = prim::Constant[value=1]()
  %y : Tensor = aten::transpose.int(%x, %a, %b) # swap.ts:1:1
  return (%y)`,
    );
    expect(thrownTsjitError(() => toOnnxModel(swap), "NOT_IMPLEMENTED").message).toMatch(/aten::transpose\.int needs the rank of argument 'self'; pass exampleInputs to exportOnnx, at swap\.ts:1:1/);
    expect(() => toOnnxModel(swap, { exampleInputs: [tensor([[1, 2]])] })).not.toThrow();
  });

  it("refuses a module in training mode and a value that is not scripted", () => {
    const training = script(new nn.Linear(2, 2));
    expect(thrownTsjitError(() => toOnnxModel(training), "INVALID_ARGUMENT").message).toMatch(/training mode; call \.eval\(\)/);
    expect(thrownTsjitError(() => toOnnxModel((() => 1) as never), "ARGUMENT_TYPE").message).toMatch(/expected a ScriptModule or a scripted or traced function/);
  });
});

describe("the op mapping table", () => {
  it("is keyed by op kinds the registry has", () => {
    const kinds = new Set(allOps().map(nodeKindOf));
    expect([...OP_MAPPINGS.keys()].filter((kind) => !kinds.has(kind))).toEqual([]);
  });
});
