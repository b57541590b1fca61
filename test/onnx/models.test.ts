/**
 * Every fixture model, scripted, traced and optimized for inference (fused nodes), exported to ONNX and run in
 * onnxruntime-node: ORT's outputs must match tsjit's own (|d| <= 1e-5 (1 + max|want|))
 * and PyTorch's fixture outputs (1e-4 + 1e-4 max|want|, the fixtures README's
 * tolerance), at the fixtures' batch sizes and at two others (the dynamic batch
 * dim). The largest difference from tsjit per model is printed at the end.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualSeed, optimizeForInference, randn, script, tensor, type ScriptModule, type Tensor } from "../../runtime/index.js";
import { trace } from "../../runtime/jit/trace.js";
import { decodeModelProto, type GraphProto } from "../../runtime/onnx/proto.js";
import { toOnnxModel, type ExportOnnxOptions } from "../../runtime/onnx/index.js";
import { quietly } from "../serialize/modelFiles.js";
import { loadFixtureModel } from "../utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES, type ModelCase, type ModelName } from "../utils/modelFixtures.js";
import { maxAbs, maxAbsDifference, ortSession, runOrt } from "./ortRun.js";
import { compileModelForwards } from "../utils/compileModelForwards.js";

/** Input shapes at two other batch sizes; rnn's batch is dim 1 (x: [T, B, 64]; its trace is unrolled for T = 50). */
const OTHER_SHAPES: Record<ModelName, readonly (readonly number[])[]> = {
  simple: [[2, 10], [5, 10]],
  controlflow: [[3, 10], [6, 10]],
  mlp: [[2, 784], [7, 784]],
  cnn: [[2, 1, 28, 28], [3, 1, 28, 28]],
  rnn: [[50, 3, 64], [50, 2, 64]],
  attention: [[2, 64, 256], [3, 64, 256]],
};

const DYNAMIC_AXES: Partial<Record<ModelName, ExportOnnxOptions["dynamicAxes"]>> = {
  rnn: { x: { 0: "steps", 1: "batch" }, output_0: { 0: "batch" } },
};

const worstVersusTsjit = new Map<string, number>();

function record(label: string, difference: number): void {
  worstVersusTsjit.set(label, Math.max(worstVersusTsjit.get(label) ?? 0, difference));
}

function expectNearTsjit(got: Tensor, want: Tensor, label: string, model: ModelName): void {
  const difference = maxAbsDifference(got, want);
  record(model, difference);
  expect(difference, label).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
}

function expectNearPyTorch(got: Tensor, c: ModelCase, label: string): void {
  expect(maxAbsDifference(got, c.output), label).toBeLessThanOrEqual(1e-4 + 1e-4 * maxAbs(c.output));
}

function opTypes(bytes: Uint8Array): string[] {
  return decodeModelProto(bytes).graph.node.map((node) => node.op_type);
}

/** Every name a node of `graph` or of its subgraphs reads. */
function namesRead(graph: GraphProto, into = new Set<string>()): Set<string> {
  for (const node of graph.node) {
    node.input.forEach((name) => into.add(name));
    for (const attribute of node.attribute) if (attribute.g) namesRead(attribute.g, into);
  }
  return into;
}

beforeAll(compileModelForwards);

afterAll(() => {
  const lines = [...worstVersusTsjit].map(([model, difference]) => `  ${model.padEnd(12)} ${difference.toExponential(2)}`);
  console.log(`largest |ONNX Runtime - tsjit| per model:\n${lines.join("\n")}`);
});

describe.each(MODEL_NAMES)("%s exported to ONNX", (name) => {
  const cases = loadModelCases(name);
  const forms = new Map<string, { module: ScriptModule; bytes: Uint8Array }>();

  beforeAll(async () => {
    const eager = await loadFixtureModel(name);
    const options: ExportOnnxOptions = { exampleInputs: cases[0]!.inputs, ...(DYNAMIC_AXES[name] ? { dynamicAxes: DYNAMIC_AXES[name] } : {}) };
    for (const [form, module] of [
      ["scripted", script(eager)],
      ["traced", quietly(() => trace(eager, cases[0]!.inputs))],
      ["optimized", optimizeForInference(script(eager))],
    ] as const) {
      forms.set(form, { module, bytes: toOnnxModel(module, options) });
    }
  });

  it.each(["scripted", "traced", "optimized"])("%s: ONNX Runtime matches tsjit and PyTorch on the fixture cases", async (form) => {
    const { module, bytes } = forms.get(form)!;
    const session = await ortSession(bytes);
    for (const c of cases) {
      const [got] = await runOrt(session, c.inputs);
      expectNearTsjit(got!, module.forward(...c.inputs) as Tensor, `${form} ${c.name} vs tsjit`, name);
      // A trace of controlflow keeps the branch its example took (case 0), as PyTorch's would.
      if (form !== "traced" || name !== "controlflow" || c === cases[0]) expectNearPyTorch(got!, c, `${form} ${c.name} vs PyTorch`);
    }
  });

  it.each(["scripted", "traced", "optimized"])("%s: every initializer is read, the inputs' dim 0 is dynamic", (form) => {
    const { graph } = decodeModelProto(forms.get(form)!.bytes);
    const read = namesRead(graph);
    expect(graph.initializer.filter((init) => !read.has(init.name)).map((init) => init.name)).toEqual([]);
    const firstDim = graph.input[0]!.type.tensor_type.shape!.dim[0]!;
    expect(firstDim.dim_param).toBe(name === "rnn" ? "steps" : "batch");
  });

  it.each(["scripted", "traced", "optimized"])("%s: the batch dim is dynamic", async (form) => {
    const { module, bytes } = forms.get(form)!;
    const session = await ortSession(bytes);
    manualSeed(9);
    for (const shape of OTHER_SHAPES[name]) {
      const input = randn([...shape]);
      const [got] = await runOrt(session, [input]);
      expectNearTsjit(got!, module.forward(input) as Tensor, `${form} at input shape [${shape}]`, name);
    }
  });
});

describe("control flow survives export", () => {
  it("scripted controlflow is an ONNX If, and ONNX Runtime takes both branches", async () => {
    const eager = await loadFixtureModel("controlflow");
    const cases = new Map(loadModelCases("controlflow").map((c) => [c.name, c]));
    const bytes = toOnnxModel(script(eager), { exampleInputs: cases.get("b1")!.inputs });
    expect(opTypes(bytes)).toContain("If");
    const session = await ortSession(bytes);
    const [thenResult] = await runOrt(session, cases.get("b1")!.inputs);
    const [elseResult] = await runOrt(session, cases.get("b1_else")!.inputs);
    expect(thenResult!.item()).not.toBe(0);
    expect(elseResult!.tolist()).toEqual([[0]]);
  });

  it("scripted rnn is an ONNX Loop whose trip count follows the input; the trace is unrolled", async () => {
    const eager = await loadFixtureModel("rnn");
    const [example] = loadModelCases("rnn");
    const scripted = toOnnxModel(script(eager), { exampleInputs: example!.inputs, dynamicAxes: DYNAMIC_AXES.rnn! });
    const traced = toOnnxModel(quietly(() => trace(eager, example!.inputs)), { exampleInputs: example!.inputs });
    expect(opTypes(scripted).filter((op) => op === "Loop")).toHaveLength(1);
    const tanh = decodeModelProto(scripted).graph.node.find((node) => node.op_type === "Loop")!.attribute[0]!.g!.node.find((node) => node.op_type === "Tanh");
    expect(tanh?.doc_string).toBe("examples/models/rnn.ts:26:11");
    expect(opTypes(traced)).not.toContain("Loop");
    const session = await ortSession(scripted);
    for (const steps of [1, 3]) {
      const input = randn([steps, 2, 64]);
      const [got] = await runOrt(session, [input]);
      expect(maxAbsDifference(got!, eager.forward(input))).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe("ONNX Runtime vs tsjit on generated inputs", () => {
  it.each(["simple", "controlflow", "mlp"] as const)("%s (scripted)", async (name) => {
    const eager = await loadFixtureModel(name);
    const module = script(eager);
    const [example] = loadModelCases(name);
    const width = example!.inputs[0]!.shape[1]!;
    const session = await ortSession(toOnnxModel(module, { exampleInputs: example!.inputs }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.float32Array({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true, minLength: 4 * width, maxLength: 4 * width }), async (batch, data) => {
        const input = tensor(Array.from(data.subarray(0, batch * width)), { shape: [batch, width] });
        const want = module.forward(input) as Tensor;
        const [got] = await runOrt(session, [input]);
        expect(maxAbsDifference(got!, want)).toBeLessThanOrEqual(1e-5 * (1 + maxAbs(want)));
      }),
      { numRuns: 12, seed: 17 },
    );
  });
});
