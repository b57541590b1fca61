/**
 * What the node-app prints, bundled or not: the @script DigitClassifier given the weights
 * of the saved model, run on three seeded inputs, each with its top three classes; then
 * whether the saved program itself (loaded from the same file) gives the same numbers.
 */
import { manualSeed, rand, script, type ScriptModule, type Tensor } from "tsjit";
import { DigitClassifier } from "./digits.js";

export function report(saved: ScriptModule): string[] {
  const model = new DigitClassifier().eval();
  model.loadStateDict(saved.stateDict());
  const scripted = script(model);
  manualSeed(7);
  const inputs = rand(3, 784);
  const probabilities = scripted.forward(inputs) as Tensor;
  const lines = (probabilities.tolist() as number[][]).map((row, i) => `input ${i}: ${topClasses(row, 3)}`);
  const same = (saved.forward(inputs) as Tensor).sub(probabilities).abs().max().item() === 0;
  lines.push(`saved program agrees: ${same ? "yes" : "no"}`);
  return lines;
}

function topClasses(row: number[], k: number): string {
  const order = row.map((p, digit) => ({ p, digit })).sort((a, b) => b.p - a.p);
  return order.slice(0, k).map(({ p, digit }) => `${digit} (${p.toFixed(4)})`).join("  ");
}
