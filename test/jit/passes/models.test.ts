/**
 * The invariant of freezing and optimizing, on the six fixture models (examples/models,
 * PyTorch's weights), for inputs fast-check draws in the shapes of the fixture cases:
 *   eager == scripted == frozen == optimizeForInference == optimized, saved and loaded
 *   traced == frozen == optimized == saved and loaded (== eager except controlflow,
 *   whose trace bakes in one branch)
 * within 1e-5 * (1 + max|want|). Also: the frozen forward reads no parameter, and the
 * optimized graph is never bigger than the inlined one.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { freeze, load, optimizeForInference, save, script, tensor, type ScriptModule, type Tensor } from "../../../runtime/index.js";
import type { Graph } from "../../../runtime/ir/Graph.js";
import { trace } from "../../../runtime/jit/trace.js";
import { loadFixtureModel, type FixtureModel } from "../../utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES } from "../../utils/modelFixtures.js";
import { compileModelForwards } from "../../utils/compileModelForwards.js";
import { quietly } from "../../serialize/modelFiles.js";

/** |got - want| <= tolerance * (1 + max|want|). */
function expectClose(got: unknown, want: Tensor, label: string, tolerance = 1e-5): void {
  const t = got as Tensor;
  expect([...t.shape], label).toEqual([...want.shape]);
  const g = t.toTypedArray();
  const w = want.toTypedArray();
  const bound = tolerance * (1 + Array.from(w).reduce((m, v) => Math.max(m, Math.abs(Number(v))), 0));
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(Number(g[i]) - Number(w[i])));
  expect(worst, label).toBeLessThanOrEqual(bound);
}

function nodeCount(graph: Graph): number {
  return [...graph.allNodes()].length;
}

/** Inputs of the fixture cases' shapes, values in [-2, 2]. */
function inputsLike(examples: readonly Tensor[]): fc.Arbitrary<Tensor[]> {
  return fc.tuple(
    ...examples.map((example) =>
      fc.float32Array({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true, minLength: example.numel(), maxLength: example.numel() }).map((data) => tensor(Array.from(data)).reshape([...example.shape])),
    ),
  );
}

interface Variant {
  readonly label: string;
  readonly module: ScriptModule;
  readonly frozen: ScriptModule;
  readonly optimized: ScriptModule;
  readonly loaded: ScriptModule;
}

async function variantsOf(label: string, module: ScriptModule): Promise<Variant> {
  const frozen = freeze(module);
  const optimized = optimizeForInference(module);
  const loaded = (await load(await save(optimized))) as ScriptModule;
  return { label, module, frozen, optimized, loaded };
}

beforeAll(compileModelForwards);

describe.each(MODEL_NAMES)("%s", (name) => {
  const cases = loadModelCases(name);
  let eager: FixtureModel;
  let scripted: Variant;
  let traced: Variant;

  beforeAll(async () => {
    eager = await loadFixtureModel(name);
    scripted = await variantsOf("scripted", script(eager));
    traced = await variantsOf("traced", quietly(() => trace(eager, cases[0]!.inputs)));
  });

  it("frozen and optimized forwards read no parameter, and are no bigger than the inlined graph", () => {
    for (const variant of [scripted, traced]) {
      for (const module of [variant.frozen, variant.optimized, variant.loaded]) {
        expect([...module.graph.allNodes()].some((n) => n.kind === "prim::GetAttr"), variant.label).toBe(false);
        expect(module.namedParameters(), variant.label).toEqual([]);
      }
      expect(nodeCount(variant.optimized.graph)).toBeLessThanOrEqual(nodeCount(variant.module.inlinedGraph));
      expect(variant.loaded.graph.toString()).toBe(variant.optimized.graph.toString());
    }
  });

  it("eager == scripted == frozen == optimized == loaded optimized, and likewise for the trace", () => {
    fc.assert(
      fc.property(inputsLike(cases[0]!.inputs), (inputs) => {
        const want = eager.forward(...inputs);
        const tracedWant = traced.module.forward(...inputs) as Tensor;
        if (name !== "controlflow") expectClose(tracedWant, want, "traced");
        for (const variant of [scripted, traced]) {
          const reference = variant === traced ? tracedWant : want;
          for (const [stage, module] of [["scripted", variant.module], ["frozen", variant.frozen], ["optimized", variant.optimized], ["loaded", variant.loaded]] as const) {
            expectClose(module.forward(...inputs), reference, `${variant.label} ${stage}`);
          }
        }
      }),
      { numRuns: 4, seed: 7 },
    );
  });

  it("the fixture cases still match PyTorch after optimizeForInference", () => {
    // The fixtures' tolerance: 1e-4 + 1e-4 * max|want|.
    for (const c of cases) expectClose(scripted.loaded.forward(...c.inputs), c.output, c.name, 1e-4);
  });
});
