/**
 * trace → save → load → run on every fixture model: the loaded model gives exactly
 * the traced model's output on every case, and PyTorch's reference wherever the
 * trace is valid (controlflow's trace bakes in the branch of the traced input).
 */
import { describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../runtime/nn/safetensors.js";
import { printGraph } from "../../runtime/ir/printer.js";
import { ScriptModule } from "../../runtime/jit/ScriptModule.js";
import { ScriptFunction } from "../../runtime/jit/ScriptFunction.js";
import { trace } from "../../runtime/jit/trace.js";
import { load, save } from "../../runtime/serialize/index.js";
import { relu, tanh, tensor, type Tensor } from "../../runtime/index.js";
import { MODEL_NAMES } from "../utils/modelFixtures.js";
import { expectNearReference, expectSameTensor, sameBytes, tracedModel } from "./modelFiles.js";

describe.each(MODEL_NAMES)("model %s", (name) => {
  it("round-trips: loaded output equals the traced output on every case, and PyTorch's", async () => {
    const { traced, cases } = await tracedModel(name);
    const bytes = await save(traced);
    const loaded = await load(bytes);
    expect(loaded).toBeInstanceOf(ScriptModule);
    const module = loaded as ScriptModule;
    expect(module.className).toBe(traced.className);
    expect(module.training, "eval mode is saved").toBe(false);
    expect(module.namedModules().every(([, m]) => !m.training)).toBe(true);
    expect(printGraph(module.graph)).toBe(printGraph(traced.graph));
    expect([...module.stateDict().keys()]).toEqual([...traced.stateDict().keys()]);
    for (const c of cases) {
      const want = traced.forward(...c.inputs) as Tensor;
      expectSameTensor(module.forward(...c.inputs), want, `${name}/${c.name}`);
      // controlflow's trace took the then-branch of case b1; b1_else needs the other branch.
      if (!(name === "controlflow" && c.name !== cases[0]!.name)) expectNearReference(want, c.output, `${name}/${c.name} vs PyTorch`);
    }
    expect(sameBytes(await save(module), bytes), "saving the loaded model gives the same bytes").toBe(true);
    expect(sameBytes(await save(traced), bytes), "saving twice gives the same bytes").toBe(true);
  });
});

describe("controlflow", () => {
  it("keeps the traced branch after loading (the trace is wrong for the other branch, as in PyTorch)", async () => {
    const { traced, cases } = await tracedModel("controlflow");
    const loaded = (await load(await save(traced))) as ScriptModule;
    const elseCase = cases.find((c) => c.branch?.startsWith("else"))!;
    expect(Array.from(elseCase.output.toTypedArray())).toEqual([0]);
    const got = loaded.forward(...elseCase.inputs) as Tensor;
    expect(got.toTypedArray()[0]).not.toBe(0);
  });
});

describe("training mode", () => {
  it("is saved per module", async () => {
    const { traced } = await tracedModel("mlp");
    traced.train();
    (traced.namedModules()[1]![1] as ScriptModule).eval();
    const loaded = (await load(await save(traced))) as ScriptModule;
    expect(loaded.namedModules().map(([name, m]) => [name, m.training])).toEqual(traced.namedModules().map(([name, m]) => [name, m.training]));
  });
});

describe("ScriptFunction", () => {
  it("round-trips a traced function", async () => {
    const f = (x: Tensor, y: Tensor): Tensor => tanh(relu(x).add(y.mul(2)));
    const x = tensor([[-1, 0.5], [2, -3]]);
    const y = tensor([[0.25, 1], [-1, 0.125]]);
    const traced = trace(f, [x, y]);
    const loaded = await load(await save(traced));
    expect(loaded).toBeInstanceOf(ScriptFunction);
    const fn = loaded as ScriptFunction;
    expect(fn.name).toBe(traced.name);
    expect(printGraph(fn.graph)).toBe(printGraph(traced.graph));
    expectSameTensor(fn.call(x, y), traced.call(x, y) as Tensor, "f");
    expectSameTensor(fn.call(x, y), f(x, y), "f vs eager");
  });
});

describe("file size", () => {
  it("the MLP file is its raw weights plus a small header", async () => {
    const { traced } = await tracedModel("mlp");
    const bytes = await save(traced);
    const weightBytes = [...traced.stateDict().values()].reduce((sum, t) => sum + t.numel() * 4, 0);
    const { tensors } = decodeSafetensors(bytes);
    expect([...tensors.keys()].sort()).toEqual([...traced.stateDict().keys()].sort());
    const overhead = bytes.length - weightBytes;
    console.log(`MLP model file: ${bytes.length} bytes; raw float32 weights: ${weightBytes} bytes; header and program: ${overhead} bytes (${((100 * overhead) / weightBytes).toFixed(3)}%)`);
    expect(overhead).toBeGreaterThan(0);
    expect(overhead).toBeLessThan(16 * 1024);
  });
});
