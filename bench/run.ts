/**
 * `npm run bench`: the reference JS backend's speed, as JSON (bench/results/) and a
 * table. SGEMM GFLOP/s for square and skinny shapes, and eager latency of the six
 * fixture models (random weights, the fixtures' input shapes). Compare ratios within
 * one run; the machines are noisy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { manualSeed, mm, randn, type Tensor } from "tsjit";
import { EncoderBlock } from "../examples/models/attention.js";
import { CNN } from "../examples/models/cnn.js";
import { ControlFlow } from "../examples/models/controlflow.js";
import { MLP } from "../examples/models/mlp.js";
import { ElmanRNN } from "../examples/models/rnn.js";
import { Simple } from "../examples/models/simple.js";

const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 400);

interface Timing {
  name: string;
  medianUs: number;
  iterations: number;
  gflops?: number;
}

/** Median wall time per call, after a warm-up, over as many calls as fit the budget. */
function time(name: string, body: () => unknown, flops?: number): Timing {
  for (let i = 0; i < 3; i++) body();
  const samples: number[] = [];
  const deadline = performance.now() + BUDGET_MS;
  while (samples.length < 5 || (performance.now() < deadline && samples.length < 10_000)) {
    const start = performance.now();
    body();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  const medianUs = samples[samples.length >> 1]!;
  return { name, medianUs, iterations: samples.length, ...(flops ? { gflops: flops / medianUs / 1000 } : {}) };
}

function sgemm(): Timing[] {
  const shapes: [number, number, number][] = [[64, 64, 64], [128, 128, 128], [256, 256, 256], [512, 512, 512], [1, 784, 512], [1, 512, 512], [64, 784, 512]];
  return shapes.map(([m, k, n]) => {
    const a = randn(m, k);
    const b = randn(k, n);
    return time(`sgemm ${m}x${k}x${n}`, () => mm(a, b), 2 * m * k * n);
  });
}

type Forward = { forward(x: Tensor): Tensor };
const MODELS: [string, () => Forward, number[]][] = [
  ["simple b1", () => new Simple().eval(), [1, 10]],
  ["controlflow b1", () => new ControlFlow().eval(), [1, 10]],
  ["mlp b1", () => new MLP().eval(), [1, 784]],
  ["mlp b64", () => new MLP().eval(), [64, 784]],
  ["cnn b1", () => new CNN().eval(), [1, 1, 28, 28]],
  ["cnn b32", () => new CNN().eval(), [32, 1, 28, 28]],
  ["rnn T50_b1", () => new ElmanRNN().eval(), [50, 1, 64]],
  ["attention b1_T64", () => new EncoderBlock().eval(), [1, 64, 256]],
];

function models(): Timing[] {
  return MODELS.map(([name, build, shape]) => {
    const model = build();
    const x = randn(shape);
    return time(`${name} (eager, js)`, () => model.forward(x));
  });
}

manualSeed(0);
const results = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, backend: "js", budgetMs: BUDGET_MS, sgemm: sgemm(), models: models() };
const dir = join(process.cwd(), "bench", "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${results.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));

console.log(`tsjit bench  ${results.date}  ${results.cpu}  node ${results.node}  backend js\n`);
console.log(`${"case".padEnd(34)} ${"median µs".padStart(12)} ${"GFLOP/s".padStart(9)} ${"calls".padStart(7)}`);
for (const t of [...results.sgemm, ...results.models]) {
  console.log(`${t.name.padEnd(34)} ${t.medianUs.toFixed(1).padStart(12)} ${(t.gflops?.toFixed(2) ?? "").padStart(9)} ${String(t.iterations).padStart(7)}`);
}
console.log(`\nJSON: ${file}`);
