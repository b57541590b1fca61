/**
 * The examples' build step (`npm run examples`): writes the model files the examples
 * import, each the @script model saved with PyTorch's weights from ../shared/fixtures
 * when they are beside this checkout, else with tsjit's seeded initialisation:
 *   examples/node-app/digits.tsjit    DigitClassifier (fixture `mlp`), 2.6 MB
 *   examples/web/page/controlflow.tsjit ScriptedControlFlow (fixture `controlflow`), 0.5 KB
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadSafetensors, manualSeed, nn, save, script } from "tsjit";
import { ScriptedControlFlow } from "../models/scriptedControlFlow.js";
import { DigitClassifier } from "./digits.js";

const fromRoot = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

async function saveWithWeights(model: nn.Module, fixture: string, target: string): Promise<void> {
  const weights = fromRoot(`../shared/fixtures/models/${fixture}/weights.safetensors`);
  const source = existsSync(weights) ? `PyTorch's weights (${fixture})` : "seeded initialisation";
  if (existsSync(weights)) model.loadStateDict(await loadSafetensors(weights));
  const bytes = await save(script(model.eval()), fromRoot(target));
  console.log(`${target}: ${bytes.byteLength} bytes, ${source}`);
}

manualSeed(0);
await saveWithWeights(new DigitClassifier(), "mlp", "examples/node-app/digits.tsjit");
await saveWithWeights(new ScriptedControlFlow(), "controlflow", "examples/web/page/controlflow.tsjit");
