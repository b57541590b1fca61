/**
 * `npm run bench:fusion`: what fusing pointwise chains (fuseElementwiseChains) and linear
 * pairs (fuseLinearPairs) gains,
 * as A/B ratios within one run, per backend configuration:
 * - the chain gelu(x * a + b) * c on [64, 1024] (a, b: [1024] rows; c: [64, 1024]): the
 *   backend's four kernels vs its one `pointwise` kernel, into outputs allocated once;
 *   then the executor running it as four nodes vs one tsjit::fused_pointwise node
 *   (where allocating the returned output is part of both);
 * - mlp's layers at batch 1 (784 -> 512 -> 512, relu; the weights marked constant, as
 *   freezing marks them): two `tsjit::linear_act` nodes vs one `tsjit::linear_act_linear`
 *   (fuseLinearPairs), whose native kernel streams both weights in one pass;
 * - every fixture model whose optimized graph has fused nodes (traced; controlflow
 *   scripted, as bench/models.ts), optimized with and without the fusion, with the
 *   largest difference between the two outputs.
 */
import { loadSafetensors, optimizeForInference, randn, script, trace, type ScriptModule, type Tensor } from "tsjit";
import { ScriptedControlFlow } from "../examples/models/scriptedControlFlow.js";
import { parseGraph } from "../runtime/ir/parser.js";
import { currentBackend } from "../runtime/kernels/index.js";
import { parseProgram } from "../runtime/kernels/pointwiseProgram.js";
import { compileGraph, runPlan } from "../runtime/jit/executor.js";
import { fuseElementwiseChains } from "../runtime/jit/passes/fuseElementwiseChains.js";
import { fuseLinearPairs } from "../runtime/jit/passes/fuseLinearPairs.js";
import { markConstantWeights } from "../runtime/jit/passes/markConstantWeights.js";
import { loadFixtureModel } from "../test/utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES, weightsPath, type ModelName } from "../test/utils/modelFixtures.js";
import { BENCH_BACKENDS } from "./backends.js";
import { time } from "./timing.js";

const CHAIN = `graph(%x : Tensor, %a : Tensor, %b : Tensor, %c : Tensor):
  %one : int = prim::Constant[value=1]()
  %none : str = prim::Constant[value="none"]()
  %h : Tensor = aten::mul.Tensor(%x, %a)
  %k : Tensor = aten::add.Tensor(%h, %b, %one)
  %g : Tensor = aten::gelu(%k, %none)
  %y : Tensor = aten::mul.Tensor(%g, %c)
  return (%y)
`;

/** A and B timed in turns, three rounds; each side's best median (the machine is shared and noisy). */
function timeInTurns(a: () => unknown, b: () => unknown): [number, number] {
  const best = [Infinity, Infinity];
  for (let round = 0; round < 3; round++) {
    [a, b].forEach((body, i) => (best[i] = Math.min(best[i]!, time("ab", body).medianUs)));
  }
  return best as [number, number];
}

function ratioRow(label: string, unfusedUs: number, fusedUs: number): string {
  return `${label.padEnd(34)} ${unfusedUs.toFixed(1).padStart(10)} ${fusedUs.toFixed(1).padStart(10)} ${(fusedUs / unfusedUs).toFixed(2).padStart(7)}`;
}

function benchChain(): void {
  const unfused = compileGraph(parseGraph(CHAIN));
  const fused = compileGraph(fuseElementwiseChains(parseGraph(CHAIN)));
  const [x, a, b, c] = [randn(64, 1024), randn(1024), randn(1024), randn(64, 1024)] as [Tensor, Tensor, Tensor, Tensor];
  const [t1, t2, t3, out] = [0, 1, 2, 3].map(() => randn(64, 1024)) as [Tensor, Tensor, Tensor, Tensor];
  const [rowA, rowB] = [a.expand(64, 1024), b.expand(64, 1024)];
  const program = parseProgram("t0 = mul(x0, x1); t1 = add(t0, x2); t2 = gelu(t1); t3 = mul(t2, x3)", 4);
  console.log(`gelu(x * a + b) * c, [64, 1024]: best median us per call of 3 rounds in turns`);
  console.log(`${"backend: kernels into given outputs".padEnd(34)} ${"unfused".padStart(10)} ${"fused".padStart(10)} ${"ratio".padStart(7)}`);
  for (const be of BENCH_BACKENDS) {
    const [u, f] = be.run(() => {
      const kernels = currentBackend();
      return timeInTurns(
        () => {
          kernels.binary("mul", x, rowA, t1, 1);
          kernels.binary("add", t1, rowB, t2, 1);
          kernels.unary("gelu", t2, t3, []);
          kernels.binary("mul", t3, c, out, 1);
        },
        () => kernels.pointwise(program, [x, rowA, rowB, c], out),
      );
    });
    console.log(ratioRow(be.label, u, f));
  }
  console.log(`${"backend: executor plan (4 nodes | 1)".padEnd(34)} ${"unfused".padStart(10)} ${"fused".padStart(10)} ${"ratio".padStart(7)}`);
  for (const be of BENCH_BACKENDS) {
    const [u, f] = be.run(() => timeInTurns(() => runPlan(unfused, undefined, [x, a, b, c]), () => runPlan(fused, undefined, [x, a, b, c])));
    console.log(ratioRow(be.label, u, f));
  }
}

const LINEAR_PAIR = `graph(%x : Tensor):
  %w1 : Tensor = prim::Constant[value=tensor:w1]()
  %b1 : Tensor = prim::Constant[value=tensor:b1]()
  %w2 : Tensor = prim::Constant[value=tensor:w2]()
  %b2 : Tensor = prim::Constant[value=tensor:b2]()
  %relu : str = prim::Constant[value="relu"]()
  %h : Tensor = tsjit::linear_act(%x, %w1, %b1, %relu)
  %y : Tensor = tsjit::linear_act(%h, %w2, %b2, %relu)
  return (%y)
`;

function benchLinearPair(): void {
  const constants = new Map<string, Tensor>([["w1", randn(512, 784)], ["b1", randn(512)], ["w2", randn(512, 512)], ["b2", randn(512)]]);
  const graph = parseGraph(LINEAR_PAIR, constants);
  markConstantWeights(graph);
  const [apart, paired] = [compileGraph(graph), compileGraph(fuseLinearPairs(graph))];
  const x = randn(1, 784);
  console.log(`
linear_act twice | linear_act_linear, [1, 784] -> 512 -> 512: best median us per call of 3 rounds in turns`);
  console.log(`${"backend: executor plan".padEnd(34)} ${"apart".padStart(10)} ${"paired".padStart(10)} ${"ratio".padStart(7)}`);
  for (const be of BENCH_BACKENDS) {
    const [u, f] = be.run(() => timeInTurns(() => runPlan(apart, undefined, [x]), () => runPlan(paired, undefined, [x])));
    console.log(ratioRow(be.label, u, f));
  }
}

function fusedNodeCount(module: ScriptModule): number {
  return [...module.graph.allNodes()].filter((node) => node.kind === "tsjit::fused_pointwise").length;
}

function maxDifference(a: Tensor, b: Tensor): number {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]! - y[i]!));
  return max;
}

/** The model's JIT form before optimizing, as bench/models.ts builds it. */
async function jitForm(name: ModelName): Promise<ScriptModule> {
  if (name !== "controlflow") return trace(await loadFixtureModel(name), loadModelCases(name)[0]!.inputs);
  const scripted = new ScriptedControlFlow();
  scripted.loadStateDict(await loadSafetensors(weightsPath(name)));
  return script(scripted.eval());
}

function programsOf(module: ScriptModule): string {
  const counts = new Map<string, number>();
  for (const node of module.graph.allNodes()) {
    if (node.kind !== "tsjit::fused_pointwise") continue;
    const program = String((node.inputs[1]!.definer as { attributes: ReadonlyMap<string, unknown> }).attributes.get("value"));
    counts.set(program, (counts.get(program) ?? 0) + 1);
  }
  return [...counts].map(([program, n]) => `${n} x "${program}"`).join(", ");
}

async function benchModels(): Promise<void> {
  console.log(`\nfixture models, optimized: best median us per forward of 3 rounds in turns\n${"model case backend".padEnd(34)} ${"unfused".padStart(10)} ${"fused".padStart(10)} ${"ratio".padStart(7)}`);
  for (const name of MODEL_NAMES) {
    const form = await jitForm(name);
    const withFusion = optimizeForInference(form);
    if (fusedNodeCount(withFusion) === 0) {
      console.log(`${name}: no fused_pointwise node`);
      continue;
    }
    const without = optimizeForInference(form, { fuseElementwise: false });
    console.log(`${name}: ${programsOf(withFusion)}`);
    for (const c of loadModelCases(name)) {
      for (const be of BENCH_BACKENDS) {
        const difference = be.run(() => maxDifference(withFusion.forward(...c.inputs) as Tensor, without.forward(...c.inputs) as Tensor));
        const [a, b] = be.run(() => timeInTurns(() => without.forward(...c.inputs), () => withFusion.forward(...c.inputs)));
        console.log(`${ratioRow(`${name} ${c.name} ${be.label}`, a!, b!)}   max |fused - unfused| ${difference.toExponential(1)}`);
      }
    }
  }
}

benchChain();
benchLinearPair();
await benchModels();
