/**
 * Issue 9's model tests: every fixture model, as its @script class compiled by the
 * real transformer (dist/examples/models, which `npm run build` makes before the
 * tests run), loads PyTorch's state_dict.pt, and its ScriptModule reproduces
 * PyTorch's outputs; then the same after save and load (no class, no TypeScript).
 * controlflow's @script class is ScriptedControlFlow (ControlFlow is the traced counter-example).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { load, loadTorchStateDict, save, script, ScriptModule, type nn, type Tensor } from "../../runtime/index.js";
import { loadModelCases, MODEL_NAMES, stateDictPath, type ModelName } from "../utils/modelFixtures.js";
import { expectWithinModelTolerance } from "../utils/modelTolerance.js";

const BUILT_MODELS = resolve(import.meta.dirname, "../../dist/examples/models");

/** The built module exporting each fixture's @script class, and that class's name. */
const SCRIPTED_CLASSES: Record<ModelName, [file: string, className: string]> = {
  simple: ["simple.js", "Simple"],
  controlflow: ["scriptedControlFlow.js", "ScriptedControlFlow"],
  mlp: ["mlp.js", "MLP"],
  cnn: ["cnn.js", "CNN"],
  rnn: ["rnn.js", "ElmanRNN"],
  attention: ["attention.js", "EncoderBlock"],
};

/** The graph node each model's control flow must survive as. */
const CONTROL_FLOW: Partial<Record<ModelName, string>> = { controlflow: "prim::If", rnn: "prim::Loop" };

async function builtScriptedModel(name: ModelName): Promise<nn.Module> {
  const [file, className] = SCRIPTED_CLASSES[name];
  const path = join(BUILT_MODELS, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  const exports = (await import(path)) as Record<string, new () => nn.Module>;
  return new exports[className]!();
}

function run(module: ScriptModule, inputs: readonly Tensor[]): Tensor {
  return (module as unknown as { forward(...xs: Tensor[]): Tensor }).forward(...inputs);
}

describe.each(MODEL_NAMES)("scripted %s with PyTorch's state_dict.pt", (name) => {
  let scripted: ScriptModule;
  let reloaded: ScriptModule;
  const cases = loadModelCases(name);

  beforeAll(async () => {
    const model = await builtScriptedModel(name);
    model.loadStateDict(await loadTorchStateDict(stateDictPath(name)));
    scripted = script(model.eval());
    reloaded = (await load(await save(scripted))) as ScriptModule;
  });

  it("is compiled, with its control flow kept in the graph", () => {
    expect(scripted).toBeInstanceOf(ScriptModule);
    const graph = scripted.graph.toString();
    const kind = CONTROL_FLOW[name];
    if (kind !== undefined) expect(graph).toContain(kind);
  });

  it.each(cases.map((c) => [c.name, c] as const))("case %s matches PyTorch, before and after save/load", (caseName, c) => {
    const before = run(scripted, c.inputs);
    expectWithinModelTolerance(before, c.output, `${name}/${caseName}`);
    const after = run(reloaded, c.inputs);
    expect(Buffer.compare(Buffer.from(after.toTypedArray().buffer), Buffer.from(before.toTypedArray().buffer)), `${name}/${caseName} after load`).toBe(0);
  });
});
