/**
 * Eager latency of every model case in ../shared/fixtures/models, with PyTorch's
 * weights and inputs, per backend configuration; each output is checked against
 * PyTorch's with the anchors' rule |err| <= 1e-4 + 1e-4 * max|ref|.
 */
import type { Tensor } from "tsjit";
import { loadFixtureModel } from "../test/utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES } from "../test/utils/modelFixtures.js";
import { BENCH_BACKENDS } from "./backends.js";
import { time, type Timing } from "./timing.js";

export interface ModelTiming extends Timing {
  readonly model: string;
  readonly case: string;
  readonly backend: string;
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

export async function benchModels(): Promise<ModelTiming[]> {
  const timings: ModelTiming[] = [];
  for (const name of MODEL_NAMES) {
    const model = await loadFixtureModel(name);
    for (const c of loadModelCases(name)) {
      for (const be of BENCH_BACKENDS) {
        const forward = () => model.forward(...c.inputs);
        const ok = be.run(() => matches(forward(), c.output));
        timings.push({ model: name, case: c.name, backend: be.label, ok, ...be.run(() => time(`${name} ${c.name} (eager, ${be.label})`, forward)) });
      }
    }
  }
  return timings;
}
