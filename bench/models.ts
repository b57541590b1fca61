/**
 * Latency of every model case in ../shared/fixtures/models, with PyTorch's weights and
 * inputs, per backend configuration, eager and as `optimizeForInference` of its JIT
 * form (traced; controlflow scripted, since its trace keeps one branch); each output is
 * checked against PyTorch's with the anchors' rule |err| <= 1e-4 + 1e-4 * max|ref|.
 */
import { loadSafetensors, optimizeForInference, script, trace, type ScriptModule, type Tensor } from "tsjit";
import { ScriptedControlFlow } from "../examples/models/scriptedControlFlow.js";
import { loadFixtureModel, type FixtureModel } from "../test/utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES, weightsPath, type ModelCase, type ModelName } from "../test/utils/modelFixtures.js";
import { BENCH_BACKENDS } from "./backends.js";
import { time, type Timing } from "./timing.js";

export interface ModelTiming extends Timing {
  readonly model: string;
  readonly case: string;
  readonly backend: string;
  readonly mode: "eager" | "optimized";
  /** The output matched PyTorch's. */
  readonly ok: boolean;
}

function matches(got: Tensor, want: Tensor): boolean {
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  if (g.length !== w.length) return false;
  let scale = 0;
  for (let i = 0; i < w.length; i++) scale = Math.max(scale, Math.abs(w[i]!));
  for (let i = 0; i < g.length; i++) if (!(Math.abs(g[i]! - w[i]!) <= 1e-4 + 1e-4 * scale)) return false;
  return true;
}

/** The model's JIT form, frozen and optimized for inference. */
async function optimized(name: ModelName, model: FixtureModel, example: ModelCase): Promise<ScriptModule> {
  if (name !== "controlflow") return optimizeForInference(trace(model, example.inputs));
  const scripted = new ScriptedControlFlow();
  scripted.loadStateDict(await loadSafetensors(weightsPath(name)));
  return optimizeForInference(script(scripted.eval()));
}

/** Every model case, or those of `only` (model names). */
export async function benchModels(only?: readonly string[]): Promise<ModelTiming[]> {
  const timings: ModelTiming[] = [];
  for (const name of MODEL_NAMES.filter((n) => !only || only.includes(n))) {
    const model = await loadFixtureModel(name);
    const cases = loadModelCases(name);
    const forms = { eager: model, optimized: await optimized(name, model, cases[0]!) };
    for (const c of cases) {
      for (const [mode, runnable] of Object.entries(forms) as ["eager" | "optimized", { forward(...inputs: Tensor[]): Tensor }][]) {
        for (const be of BENCH_BACKENDS) {
          const forward = () => runnable.forward(...c.inputs);
          const ok = be.run(() => matches(forward(), c.output));
          timings.push({ model: name, case: c.name, backend: be.label, mode, ok, ...be.run(() => time(`${name} ${c.name} (${mode}, ${be.label})`, forward)) });
        }
      }
    }
  }
  return timings;
}
