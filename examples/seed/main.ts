/**
 * The seed program: the TorchScript tutorial's tracing half, in TypeScript.
 *
 * 1. SimpleModel (Linear + ReLU) is traced, its `.code` and `.graph` printed, and run.
 * 2. ControlFlowModel branches on a value computed from its input. Traced with an
 *    input that takes one branch, it warns (TracerWarning), and on an input that
 *    should take the other branch it gives the wrong answer: the trace recorded one path.
 * 3. The traced model is saved to one file, then loaded and run in a second Node
 *    process that has neither the model's class nor TypeScript.
 * 4. When ../shared/fixtures sits beside this checkout, PyTorch's weights are loaded
 *    and every output is compared with PyTorch's own.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSafetensors, manualSeed, randn, relu, save, tensor, trace, type Tensor } from "tsjit";
import { ControlFlow } from "../models/controlflow.js";
import { Simple } from "../models/simple.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, "../../../../shared/fixtures/models");
const haveFixtures = existsSync(fixtures);

function section(title: string): void {
  console.log(`\n=== ${title} ===`);
}

manualSeed(0);

section("1. trace(SimpleModel)");
const simple = new Simple().eval();
const example = randn(1, 10);
const tracedSimple = trace(simple, [example]);
console.log("traced.code:\n" + tracedSimple.code);
console.log("traced.graph:\n" + tracedSimple.graph.toString());
console.log(`traced output: ${tracedSimple.forward(example)}  (eager: ${simple.forward(example)})`);

section("2. trace(ControlFlowModel): data-dependent control flow");
const controlFlow = new ControlFlow().eval();
if (haveFixtures) controlFlow.loadStateDict(await loadSafetensors(join(fixtures, "controlflow", "weights.safetensors")));
const [thenInput, elseInput] = haveFixtures ? [readFixture("controlflow", "b1.in.x.bin"), readFixture("controlflow", "b1_else.in.x.bin")] : findBranchInputs(controlFlow);
console.log("Tracing with an input whose activations have mean > 0.5 (the 'then' branch).");
console.log("The warning below is the tracer noticing that a tensor value steered control flow:");
const tracedControlFlow = trace(controlFlow, [thenInput]);
await new Promise((done) => setImmediate(done)); // let the warning print before what follows
console.log(`on the tracing input:   traced ${tracedControlFlow.forward(thenInput)}  eager ${controlFlow.forward(thenInput)}`);
console.log(`on an 'else' input:     traced ${tracedControlFlow.forward(elseInput)}  eager ${controlFlow.forward(elseInput)}`);
console.log("The traced model replays the 'then' path for every input, so it is wrong on the second one;");
console.log("scripting (@script) keeps the if.");

section("3. save, then load and run in another process");
const file = join(mkdtempSync(join(tmpdir(), "tsjit-seed-")), "simple.tsjit");
const bytes = await save(tracedSimple, file);
console.log(`saved ${file} (${bytes.length} bytes: program + weights)`);
const runner = join(here, "loadAndRun.js");
const fromOtherProcess = execFileSync(process.execPath, [runner, file, JSON.stringify(example.tolist())], { encoding: "utf8" }).trim();
console.log(`second process: ${fromOtherProcess}`);
console.log(`this process:   ${JSON.stringify((tracedSimple.forward(example) as Tensor).tolist())}`);

if (!haveFixtures) {
  console.log(`\n(${fixtures} not found: skipping the comparison with PyTorch's outputs)`);
} else {
  section("4. against PyTorch 1.13 (its weights, its outputs)");
  let worst = 0;
  const simpleWithWeights = new Simple().eval();
  simpleWithWeights.loadStateDict(await loadSafetensors(join(fixtures, "simple", "weights.safetensors")));
  const checks: [string, Tensor, Tensor][] = [
    ["simple/b1 eager", simpleWithWeights.forward(readFixture("simple", "b1.in.x.bin")), readFixture("simple", "b1.out.bin")],
    ["simple/b1 traced", trace(simpleWithWeights, [readFixture("simple", "b1.in.x.bin")]).forward(readFixture("simple", "b1.in.x.bin")) as Tensor, readFixture("simple", "b1.out.bin")],
    ["controlflow/b1 eager", controlFlow.forward(thenInput), readFixture("controlflow", "b1.out.bin")],
    ["controlflow/b1_else eager", controlFlow.forward(elseInput), readFixture("controlflow", "b1_else.out.bin")],
  ];
  for (const [label, got, want] of checks) {
    const error = got.sub(want).abs().max().item();
    worst = Math.max(worst, error);
    console.log(`  ${label.padEnd(26)} tsjit ${got}  PyTorch ${want}  max |diff| ${error.toExponential(1)}`);
  }
  const ok = worst <= 1e-4;
  console.log(ok ? "all outputs match PyTorch" : `MISMATCH: max abs error ${worst}`);
  if (!ok) process.exitCode = 1;
}

/** A fixture's raw little-endian float32 file, shaped as its manifest says. */
function readFixture(model: string, file: string): Tensor {
  const manifest = JSON.parse(readFileSync(join(fixtures, model, "manifest.json"), "utf8")) as {
    cases: Record<string, { inputs: { file: string; shape: number[] }[]; output: { file: string; shape: number[] } }>;
  };
  const entry = Object.values(manifest.cases).flatMap((c) => [...c.inputs, c.output]).find((e) => e.file === file)!;
  const bytes = readFileSync(join(fixtures, model, file));
  return tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice(), { shape: entry.shape });
}

/** Without PyTorch's weights: random inputs until each branch has one. */
function findBranchInputs(model: ControlFlow): [Tensor, Tensor] {
  let thenInput: Tensor | undefined;
  let elseInput: Tensor | undefined;
  for (let scale = 0.1; !(thenInput && elseInput); scale *= 1.5) {
    if (scale > 1e6) throw new Error("no input found that takes both branches of ControlFlow");
    const x = randn(1, 10).mul(scale);
    if (relu(model.fc1.forward(x)).mean().item() > 0.5) thenInput ??= x;
    else elseInput ??= x;
  }
  return [thenInput, elseInput];
}
