/**
 * The fixture models as their @script classes compiled by the real transformer
 * (dist/examples/models, made by `npm run build`, which `npm test` runs first).
 * controlflow's @script class is ScriptedControlFlow (ControlFlow is the traced counter-example).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadTorchStateDict, script, type nn, type ScriptModule } from "../../runtime/index.js";
import { stateDictPath, type ModelName } from "./modelFixtures.js";

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

/** A new instance of the built @script class of fixture `name`. */
export async function newBuiltScriptedModel(name: ModelName): Promise<nn.Module> {
  const [file, className] = SCRIPTED_CLASSES[name];
  const path = join(BUILT_MODELS, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (npm test does)`);
  const exports = (await import(path)) as Record<string, new () => nn.Module>;
  return new exports[className]!();
}

/** script() of the built class holding PyTorch's weights from state_dict.pt, in eval mode. */
export async function scriptedFixtureModel(name: ModelName): Promise<ScriptModule> {
  const model = await newBuiltScriptedModel(name);
  model.loadStateDict(await loadTorchStateDict(stateDictPath(name)));
  return script(model.eval());
}
