/**
 * The six fixture networks of examples/models, their `forward` methods compiled by the
 * frontend as @script methods (the same source the eager tests run), loaded with PyTorch's
 * weights: script(instance) reproduces PyTorch's outputs on every fixture case, before and
 * after save → load, and agrees with the eager model. Unlike the trace, the scripted
 * controlflow model takes both branches.
 */
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { load, loadSafetensors, save, script, ScriptModule, trace, type nn, type Tensor } from "../../../runtime/index.js";
import type { Graph } from "../../../runtime/ir/Graph.js";
import { loadFixtureModel, newFixtureModel } from "../../utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES, weightsPath, type ModelName } from "../../utils/modelFixtures.js";
import { decorateMethod } from "../runtime/helpers.js";
import { compile, formatDiagnostic, makeProgram, sourceFile } from "./program.js";

const fileOf = (name: ModelName): string => `examples/models/${name}.ts`;
const program = makeProgram(MODEL_NAMES.map(fileOf));

/** Compiles `forward` of each model's class as an @script method and records the payload on the class. */
const compiledForwards = new Map<string, string>();
for (const name of MODEL_NAMES) {
  const cls = newFixtureModel(name).constructor as { name: string; prototype: object };
  const declaration = sourceFile(program, fileOf(name)).statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === cls.name,
  );
  const forward = declaration?.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === "forward");
  if (!forward) throw new Error(`${fileOf(name)}: no class ${cls.name} with a forward method`);
  const { payload, diagnostics } = compile(program, { kind: "method", declaration: forward });
  if (!payload) throw new Error(`${cls.name}: ${diagnostics.map(formatDiagnostic).join("\n")}`);
  const json = JSON.stringify(payload);
  compiledForwards.set(cls.name, json);
  decorateMethod(cls, "forward", script.compiled(json));
}

async function withWeights(name: ModelName): Promise<nn.Module> {
  const model = newFixtureModel(name);
  model.loadStateDict(await loadSafetensors(weightsPath(name)));
  return model.eval();
}

/** The fixtures' tolerance: |got - want| <= 1e-4 + 1e-4 * max|want| (../shared/fixtures README). */
function expectWithinModelTolerance(got: unknown, want: Tensor, label: string): void {
  const t = got as Tensor;
  expect([...t.shape], label).toEqual([...want.shape]);
  const g = t.toTypedArray();
  const w = want.toTypedArray();
  const tolerance = 1e-4 + 1e-4 * Array.from(w).reduce((m, v) => Math.max(m, Math.abs(Number(v))), 0);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < w.length; i++) {
    const diff = Math.abs(Number(g[i]) - Number(w[i]));
    if (!(diff <= worst)) [worst, at] = [diff, i];
  }
  expect(worst, `${label}: element ${at} got ${g[at]}, want ${w[at]} (tolerance ${tolerance})`).toBeLessThanOrEqual(tolerance);
}

function nodeKinds(graph: Graph): string[] {
  const out: string[] = [];
  const walk = (nodes: Iterable<{ kind: string; blocks: readonly { nodes: Iterable<unknown> }[] }>): void => {
    for (const n of nodes) {
      out.push(n.kind);
      for (const b of n.blocks) walk(b.nodes as never);
    }
  };
  walk(graph.block.nodes as never);
  return out;
}

describe("fixture models written with @script", () => {
  it("every model's forward is a compiled site", () => {
    expect([...compiledForwards.keys()].sort()).toEqual(MODEL_NAMES.map((n) => newFixtureModel(n).constructor.name).sort());
  });

  describe.each(MODEL_NAMES)("%s", (name) => {
    const cases = loadModelCases(name);

    it("script(instance) matches PyTorch on every case, and the eager model", async () => {
      const model = await withWeights(name);
      const eager = await loadFixtureModel(name);
      const sm = script(model);
      expect(sm).toBeInstanceOf(ScriptModule);
      for (const c of cases) {
        const got = sm.forward(...c.inputs) as Tensor;
        expectWithinModelTolerance(got, c.output, `${name}/${c.name} scripted`);
        expectWithinModelTolerance(got, eager.forward(...c.inputs), `${name}/${c.name} scripted vs eager`);
      }
    });

    it("after save → load, matches PyTorch on every case", async () => {
      const sm = script(await withWeights(name));
      const loaded = (await load(await save(sm))) as ScriptModule;
      expect(loaded.graph.toString()).toBe(sm.graph.toString());
      for (const c of cases) expectWithinModelTolerance(loaded.forward(...c.inputs), c.output, `${name}/${c.name} loaded`);
    });
  });
});

describe("what scripting keeps that tracing loses", () => {
  it("controlflow: the scripted model takes both branches (b1 then, b1_else else); the trace does not", async () => {
    const cases = new Map(loadModelCases("controlflow").map((c) => [c.name, c]));
    const thenCase = cases.get("b1")!;
    const elseCase = cases.get("b1_else")!;
    expect(thenCase.branch).toMatch(/^then/);
    expect(elseCase.branch).toMatch(/^else/);
    const sm = script(await withWeights("controlflow"));
    expect(nodeKinds(sm.graph)).toContain("prim::If");
    expect(sm.code).toMatch(/if \(/);
    expectWithinModelTolerance(sm.forward(thenCase.inputs[0]!), thenCase.output, "b1");
    expectWithinModelTolerance(sm.forward(elseCase.inputs[0]!), elseCase.output, "b1_else");
    expect((sm.forward(elseCase.inputs[0]!) as Tensor).tolist()).toEqual([[0]]);
    expect((sm.forward(thenCase.inputs[0]!) as Tensor).item()).not.toBe(0);
    // The trace recorded the then-branch only: on b1_else it returns fc2(x), not zeros.
    const traced = trace(await loadFixtureModel("controlflow"), [thenCase.inputs[0]!]);
    expect((traced.forward(elseCase.inputs[0]!) as Tensor).item()).not.toBe(0);
  });

  it("rnn: the time loop is a prim::Loop bounded by x.size(0), so any sequence length runs", async () => {
    const sm = script(await withWeights("rnn"));
    const kinds = nodeKinds(sm.graph);
    expect(kinds).toContain("prim::Loop");
    expect(kinds).toContain("aten::size.int");
    const eager = await loadFixtureModel("rnn");
    const c = loadModelCases("rnn")[0]!;
    const x = c.inputs[0]!;
    for (const steps of [1, 2, x.shape[0]!]) {
      const part = x.narrow(0, 0, steps);
      expectWithinModelTolerance(sm.forward(part), eager.forward(part), `rnn with ${steps} steps`);
    }
  });

  it("attention: shapes come from x.size(), so another sequence length runs", async () => {
    const sm = script(await withWeights("attention"));
    const eager = await loadFixtureModel("attention");
    const x = loadModelCases("attention")[0]!.inputs[0]!;
    const shorter = x.narrow(1, 0, Math.max(1, x.shape[1]! - 1));
    expectWithinModelTolerance(sm.forward(shorter), eager.forward(shorter), "attention, shorter sequence");
    expect(nodeKinds(sm.graph)).toEqual(expect.arrayContaining(["aten::chunk", "aten::softmax.int", "aten::gelu"]));
  });
});
