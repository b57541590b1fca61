/**
 * The seed program: the TorchScript tutorial's tracing AND scripting, in TypeScript.
 *
 * 1. SimpleModel (Linear + ReLU) is traced, its `.code` and `.graph` printed, and run.
 * 2. ControlFlowModel branches on a value computed from its input. Traced with an
 *    input that takes one branch, it warns (TracerWarning), and on an input that
 *    should take the other branch it gives the wrong answer: the trace recorded one path.
 * 3. The same model with `@script` on its forward (compiled to IR at build time by the
 *    tsjit transformer): `.code` keeps the if/else, `.graph` has a `prim::If`, and the
 *    results are right on inputs taking either branch.
 * 4. Hybrids: a scripted module calling a traced submodule, and a traced module calling
 *    a scripted function; both keep the branch.
 * 5. The traced SimpleModel and the scripted ControlFlowModel are saved, then loaded
 *    and run in a second Node process that has neither the models' classes nor TypeScript.
 * 6. When ../shared/fixtures sits beside this checkout, PyTorch's weights are used
 *    throughout and every output is compared with PyTorch's own.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSafetensors, manualSeed, randn, relu, save, script, tensor, trace, type Tensor } from "tsjit";
import { ControlFlow } from "../models/controlflow.js";
import { ScriptedControlFlow } from "../models/scriptedControlFlow.js";
import { Simple } from "../models/simple.js";
import { Encoder, gate, ScriptedHead, TracedWithScriptedGate } from "./hybrid.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, "../../../../shared/fixtures/models");
const haveFixtures = existsSync(fixtures);
/** TSJIT_DISABLE=1 runs everything eagerly (docs/jit.md): script() hands back what it was given. */
const jitDisabled = process.env["TSJIT_DISABLE"] === "1";

function section(title: string): void {
  console.log(`\n=== ${title} ===`);
}

/** A [1, 1] output as a fixed-width number, for the side-by-side tables. */
function num(t: unknown): string {
  return (t as Tensor).item().toFixed(4);
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
console.log("The traced model replays the 'then' path for every input, so it is wrong on the second one.");

section("3. script(ControlFlowModel): @script keeps the if");
console.log("examples/models/scriptedControlFlow.ts has the same fields and forward, with @script on forward.");
console.log("The build compiled that forward to IR; script(instance) binds it to this instance's weights.");
const scriptedSource = new ScriptedControlFlow().eval();
scriptedSource.loadStateDict(controlFlow.stateDict()); // the same weights as the traced model
const scriptedControlFlow = script(scriptedSource);
if (jitDisabled) {
  console.log("TSJIT_DISABLE=1: script() returned the module itself, which runs eagerly (no .code, no .graph).");
} else {
  console.log("scripted.code:\n" + scriptedControlFlow.code);
  console.log("scripted.graph:\n" + scriptedControlFlow.graph.toString());
}
const meanActivation = (x: Tensor): string => relu(controlFlow.fc1.forward(x)).mean().item().toFixed(4);
console.log(row("input", "mean activation", "eager", "traced", "scripted"));
for (const [label, x] of [["'then' input", thenInput], ["'else' input", elseInput]] as const) {
  const [eager, traced, scripted] = [controlFlow.forward(x), tracedControlFlow.forward(x), scriptedControlFlow.forward(x)];
  console.log(row(label, meanActivation(x), num(eager), num(traced), num(scripted)) + (sameValues(traced, eager) ? "" : "   <- the trace is wrong"));
}
const scriptedRight = [thenInput, elseInput].every((x) => sameValues(scriptedControlFlow.forward(x), controlFlow.forward(x)));
console.log(scriptedRight ? "The scripted model equals eager on both inputs." : "MISMATCH: the scripted model differs from eager");
if (!scriptedRight) process.exitCode = 1;

section("4. hybrids: script calls trace, trace calls script");
if (jitDisabled) console.log("TSJIT_DISABLE=1: skipped (nothing is compiled, so there is nothing to mix).");
else showHybrids();

section("5. save, then load and run in another process");
const directory = mkdtempSync(join(tmpdir(), "tsjit-seed-"));
const runner = join(here, "loadAndRun.js");
const inOtherProcess = (file: string, inputs: Tensor[]): string[] =>
  execFileSync(process.execPath, [runner, file, ...inputs.map((x) => JSON.stringify(x.tolist()))], { encoding: "utf8" }).trim().split("\n");
const inThisProcess = (outputs: unknown[]): string[] => outputs.map((t) => JSON.stringify((t as Tensor).tolist()));

const simpleFile = join(directory, "simple.tsjit");
console.log(`saved ${simpleFile} (${(await save(tracedSimple, simpleFile)).length} bytes: program + weights)`);
console.log(`second process: ${inOtherProcess(simpleFile, [example]).join(" ")}`);
console.log(`this process:   ${inThisProcess([tracedSimple.forward(example)]).join(" ")}`);

let loadedOutputs: string[] = [];
if (jitDisabled) {
  console.log("TSJIT_DISABLE=1: the scripted ControlFlowModel is a plain module; not saved.");
} else {
  const controlFlowFile = join(directory, "controlflow-scripted.tsjit");
  console.log(`saved ${controlFlowFile} (${(await save(scriptedControlFlow, controlFlowFile)).length} bytes: the if/else graph + weights)`);
  loadedOutputs = inOtherProcess(controlFlowFile, [thenInput, elseInput]);
  console.log(`second process ('then', 'else'): ${loadedOutputs.join(" ")}`);
  console.log(`this process   ('then', 'else'): ${inThisProcess([scriptedControlFlow.forward(thenInput), scriptedControlFlow.forward(elseInput)]).join(" ")}`);
}

if (!haveFixtures) {
  console.log(`\n(${fixtures} not found: skipping the comparison with PyTorch's outputs)`);
} else {
  section("6. against PyTorch 1.13 (its weights, its outputs)");
  let worst = 0;
  const simpleWithWeights = new Simple().eval();
  simpleWithWeights.loadStateDict(await loadSafetensors(join(fixtures, "simple", "weights.safetensors")));
  const thenWant = readFixture("controlflow", "b1.out.bin");
  const elseWant = readFixture("controlflow", "b1_else.out.bin");
  const fromJson = (json: string): Tensor => tensor(JSON.parse(json) as number[][]);
  const checks: [string, unknown, Tensor][] = [
    ["simple/b1 eager", simpleWithWeights.forward(readFixture("simple", "b1.in.x.bin")), readFixture("simple", "b1.out.bin")],
    ["simple/b1 traced", trace(simpleWithWeights, [readFixture("simple", "b1.in.x.bin")]).forward(readFixture("simple", "b1.in.x.bin")), readFixture("simple", "b1.out.bin")],
    ["controlflow/b1 eager", controlFlow.forward(thenInput), thenWant],
    ["controlflow/b1_else eager", controlFlow.forward(elseInput), elseWant],
    ["controlflow/b1 scripted", scriptedControlFlow.forward(thenInput), thenWant],
    ["controlflow/b1_else scripted", scriptedControlFlow.forward(elseInput), elseWant],
  ];
  if (loadedOutputs.length === 2) {
    checks.push(["controlflow/b1 loaded", fromJson(loadedOutputs[0]!), thenWant], ["controlflow/b1_else loaded", fromJson(loadedOutputs[1]!), elseWant]);
  }
  for (const [label, got, want] of checks) {
    const error = (got as Tensor).sub(want).abs().max().item();
    worst = Math.max(worst, error);
    console.log(`  ${label.padEnd(29)} tsjit ${got}  PyTorch ${want}  max |diff| ${error.toExponential(1)}`);
  }
  const ok = worst <= 1e-4;
  console.log(ok ? "all outputs match PyTorch" : `MISMATCH: max abs error ${worst}`);
  if (!ok) process.exitCode = 1;
}

/** Section 4. Both hybrids share controlFlow's layers, so each must equal controlFlow's eager output. */
function showHybrids(): void {
  console.log("Script calls trace: ScriptedHead (@script forward, with the if) calls a traced Encoder (fc1 + relu).");
  const encoder = new Encoder().eval();
  encoder.fc1 = controlFlow.fc1;
  const tracedEncoder = trace(encoder, [thenInput]); // no control flow in Encoder: no warning, a faithful trace
  // A traced module is called like the module it was traced from, so it can stand in for one.
  const head = new ScriptedHead(tracedEncoder as unknown as Encoder).eval();
  head.fc2 = controlFlow.fc2;
  const scriptedHead = script(head);
  console.log("scriptedHead.code:\n" + scriptedHead.code);

  console.log("Trace calls script: TracedWithScriptedGate's plain forward calls gate = script(function gate ...):");
  console.log(gate.code);
  const withGate = new TracedWithScriptedGate().eval();
  withGate.fc1 = controlFlow.fc1;
  withGate.fc2 = controlFlow.fc2;
  const tracedWithGate = trace(withGate, [thenInput]); // gate runs as one call, not through the tracer: no warning
  console.log("trace(TracedWithScriptedGate).graph (the if lives inside gate, called by prim::CallFunction):\n" + tracedWithGate.graph.toString());

  console.log(row("input", "", "eager", "script>trace", "trace>script"));
  let right = true;
  for (const [label, x] of [["'then' input", thenInput], ["'else' input", elseInput]] as const) {
    const [eager, a, b] = [controlFlow.forward(x), scriptedHead.forward(x), tracedWithGate.forward(x)];
    right &&= sameValues(a, eager) && sameValues(b, eager);
    console.log(row(label, "", num(eager), num(a), num(b)));
  }
  console.log(right ? "Both hybrids equal eager on both inputs." : "MISMATCH: a hybrid differs from eager");
  if (!right) process.exitCode = 1;
}

/** One line of a side-by-side table: a label, an optional note column, then right-aligned values. */
function row(label: string, note: string, ...values: string[]): string {
  return `${label.padEnd(14)}${note.padStart(note === "" ? 0 : 16)}${values.map((v) => v.padStart(14)).join("")}`;
}

/** Whether two tensors hold the same values (same shape, exactly equal). */
function sameValues(a: unknown, b: unknown): boolean {
  return JSON.stringify((a as Tensor).tolist()) === JSON.stringify((b as Tensor).tolist());
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
