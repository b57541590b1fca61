/**
 * `npm run bench:alloc`: tensor storages (buffers and bytes) allocated by one
 * steady-state forward of every fixture model case, eager, traced and optimized
 * (optimizeForInference(freeze(trace))), on the backend chosen at load. The traced and
 * optimized modules run on the executor, whose arena recycles intermediates
 * (docs/jit.md, "Memory planning"): what they allocate is their outputs, plus the
 * storage an op allocates internally.
 */
import { freeze, optimizeForInference, trace, type nn, type Tensor } from "tsjit";
import { loadFixtureModel } from "../test/utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES } from "../test/utils/modelFixtures.js";
import { countAllocations, type AllocationCount } from "./allocationCount.js";

interface Forward {
  forward(...inputs: Tensor[]): unknown;
}

/** What one forward allocates after two warm-up calls. */
function steadyState(module: Forward, inputs: Tensor[]): AllocationCount {
  module.forward(...inputs);
  module.forward(...inputs);
  return countAllocations(() => module.forward(...inputs));
}

function row(model: string, mode: string, count: AllocationCount): string {
  return `${model.padEnd(22)} ${mode.padEnd(10)} ${String(count.buffers).padStart(8)} ${(count.bytes / 1024).toFixed(1).padStart(12)}`;
}

console.log(`${"model".padEnd(22)} ${"mode".padEnd(10)} ${"buffers".padStart(8)} ${"KiB".padStart(12)}`);
for (const name of MODEL_NAMES) {
  const model = await loadFixtureModel(name);
  const [first] = loadModelCases(name);
  if (!first) continue;
  const inputs = first.inputs;
  const traced = trace(model as nn.Module & Forward, inputs);
  const optimized = optimizeForInference(freeze(traced));
  const label = `${name} ${first.name}`;
  console.log(row(label, "eager", steadyState(model, inputs)));
  console.log(row(label, "traced", steadyState(traced, inputs)));
  console.log(row(label, "optimized", steadyState(optimized, inputs)));
}
