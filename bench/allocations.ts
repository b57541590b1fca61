/**
 * `npm run bench:alloc`: tensor storages (buffers and bytes) allocated by one
 * steady-state forward of every fixture model case, eager, traced and optimized
 * (optimizeForInference(freeze(trace))), on the backend chosen at load; and of the
 * scripted controlflow and rnn (`@script`, their If and Loop kept), optimized, on each
 * of their cases. The JIT forms run on the executor, whose arena recycles
 * intermediates, inside If branches and Loop bodies too (docs/jit.md, "The executor
 * and memory planning"): what they allocate is their outputs, plus the storage an op
 * allocates internally.
 */
import { freeze, loadSafetensors, optimizeForInference, script, trace, type nn, type Tensor } from "tsjit";
import { ScriptedControlFlow } from "../examples/models/scriptedControlFlow.js";
import { ElmanRNN } from "../examples/models/rnn.js";
import { loadFixtureModel } from "../test/utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES, weightsPath } from "../test/utils/modelFixtures.js";
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

const scripted = { controlflow: new ScriptedControlFlow(), rnn: new ElmanRNN() };
for (const [name, model] of Object.entries(scripted) as [keyof typeof scripted, nn.Module][]) {
  model.loadStateDict(await loadSafetensors(weightsPath(name)));
  const optimized = optimizeForInference(script(model.eval()));
  for (const c of loadModelCases(name)) console.log(row(`${name} ${c.name}`, "scripted", steadyState(optimized, c.inputs)));
}
