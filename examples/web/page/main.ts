/**
 * The web example's page script (bundled by ../rollup.config.mjs into dist/main.js):
 * the @script ScriptedControlFlow given the weights of the bundled (inlined) model file,
 * run on the form's ten numbers at every input, its output and branch shown live.
 * The time of one forward, averaged over 200 runs at start-up, is shown under it.
 * Below, the digits MLP on a drawing (digits.ts).
 */
import { backend, script, tensor, type Tensor } from "tsjit";
import { ScriptedControlFlow } from "../../models/scriptedControlFlow.js";
import saved from "./controlflow.tsjit";
import { startDigits } from "./digits.js";

const INITIAL = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
const TIMING_RUNS = 200;

const model = new ScriptedControlFlow().eval();
model.loadStateDict(saved.stateDict());
const scripted = script(model);

const form = document.querySelector<HTMLFormElement>("#inputs")!;
const result = document.querySelector<HTMLOutputElement>("#result")!;
const timing = document.querySelector<HTMLOutputElement>("#timing")!;

const fields = INITIAL.map((value, i) => {
  const field = document.createElement("input");
  Object.assign(field, { type: "number", step: "any", value: String(value), name: `x${i}` });
  field.setAttribute("aria-label", `x${i}`);
  form.append(field);
  return field;
});

function currentInput(): Tensor {
  return tensor([fields.map((field) => Number(field.value) || 0)]);
}

function show(): void {
  const input = currentInput();
  const output = (scripted.forward(input) as Tensor).item();
  const hidden = model.fc1.forward(input).relu().mean().item();
  result.value = `${output.toFixed(6)} (${hidden > 0.5 ? "then" : "else"} branch)`;
  result.dataset["value"] = String(output);
}

function measure(): number {
  const input = currentInput();
  scripted.forward(input);
  const start = performance.now();
  for (let i = 0; i < TIMING_RUNS; i++) scripted.forward(input);
  return (performance.now() - start) / TIMING_RUNS;
}

form.addEventListener("input", show);
show();
const perForward = measure();
timing.value = `${(perForward * 1000).toFixed(1)} µs per forward (${TIMING_RUNS} runs), ${backend().name} kernels`;
timing.dataset["microseconds"] = String(perForward * 1000);

startDigits(
  document.querySelector<HTMLCanvasElement>("#pad")!,
  document.querySelector<HTMLButtonElement>("#clear")!,
  document.querySelector<HTMLOutputElement>("#digits")!,
  document.querySelector<HTMLOutputElement>("#digits-timing")!,
);
