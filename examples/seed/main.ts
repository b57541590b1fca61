/**
 * The seed program: the two models of the TorchScript tutorial (a straight-through
 * Linear+ReLU, and one whose output depends on a data-dependent branch), written with
 * tsjit layers and run eagerly.
 *
 * When ../shared/fixtures sits beside this checkout (as in development and CI), the
 * models also load the weights PyTorch saved and every output is compared with
 * PyTorch's own.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSafetensors, manualSeed, randn, tensor } from "tsjit";
import { ControlFlow } from "../models/controlflow.js";
import { Simple } from "../models/simple.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, here.includes(`${join("dist", "examples")}`) ? "../../.." : "../..");
const fixtures = join(repoRoot, "..", "shared", "fixtures", "models");

manualSeed(0);
const simple = new Simple().eval();
const example = randn(1, 10);
const out = simple.forward(example);
console.log("SimpleModel(Linear(10, 5) -> relu)");
console.log(`  input  ${example}`);
console.log(`  output ${out}  shape [${out.shape.join(", ")}]`);

const controlFlow = new ControlFlow().eval();
console.log("\nControlFlowModel: if relu(fc1(x)).mean() > 0.5 then fc2(x) else zeros");
for (const [label, x] of [["small input", randn(1, 10).mul(0.1)], ["large input", randn(1, 10).abs().add(2)]] as const) {
  console.log(`  ${label}: ${controlFlow.forward(x)}`);
}

if (!existsSync(fixtures)) {
  console.log(`\n(${fixtures} not found: skipping the comparison with PyTorch's outputs)`);
} else {
  console.log("\nAgainst PyTorch 1.13 (weights from weights.safetensors, outputs from the fixtures):");
  let worst = 0;
  for (const [name, model] of [["simple", new Simple()], ["controlflow", new ControlFlow()]] as const) {
    worst = Math.max(worst, await compareWithPyTorch(name, model.eval()));
  }
  const ok = worst <= 1e-4;
  console.log(ok ? "all outputs match PyTorch" : `MISMATCH: max abs error ${worst}`);
  if (!ok) process.exitCode = 1;
}

interface Manifest {
  cases: Record<string, { inputs: { file: string; shape: number[] }[]; output: { file: string; shape: number[] }; branch?: string }>;
}

async function compareWithPyTorch(name: string, model: Simple | ControlFlow): Promise<number> {
  const dir = join(fixtures, name);
  model.loadStateDict(await loadSafetensors(join(dir, "weights.safetensors")));
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  let worst = 0;
  for (const [caseName, spec] of Object.entries(manifest.cases)) {
    const read = (file: string, shape: number[]) => tensor(new Float32Array(new Uint8Array(readFileSync(join(dir, file))).buffer), { shape });
    const got = model.forward(read(spec.inputs[0]!.file, spec.inputs[0]!.shape));
    const want = read(spec.output.file, spec.output.shape);
    const error = got.sub(want).abs().max().item();
    worst = Math.max(worst, error);
    console.log(`  ${name}/${caseName}${spec.branch ? ` (${spec.branch})` : ""}: tsjit ${got}  PyTorch ${want}  max |diff| ${error.toExponential(1)}`);
  }
  return worst;
}
