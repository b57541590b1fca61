/**
 * `npm run bench`: the JS and native backends' speed, side by side, as JSON
 * (bench/results/) and a table. SGEMM GFLOP/s for square and skinny shapes, and eager
 * latency of the six fixture models (random weights, the fixtures' input shapes).
 * With the native addon built it also measures this machine's peak FP32 FMA
 * throughput (a native loop of independent FMA chains) and reports SGEMM as a
 * fraction of it, with one thread and with all. Compare ratios within one run; the
 * machines are noisy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { backend, manualSeed, mm, randn, type Tensor } from "tsjit";
import type { Backend } from "../runtime/kernels/Backend.js";
import { jsBackend, nativeBackend, withBackend } from "../runtime/kernels/index.js";
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

const native = nativeBackend();
const BACKENDS: [string, Backend][] = [["js", jsBackend], ...(native ? [["native", native.backend] as [string, Backend]] : [])];

function sgemm(): Timing[] {
  const shapes: [number, number, number][] = [[64, 64, 64], [128, 128, 128], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [1, 784, 512], [1, 512, 512], [1, 1024, 1024], [64, 784, 512]];
  return shapes.flatMap(([m, k, n]) => {
    const a = randn(m, k);
    const b = randn(k, n);
    return BACKENDS.map(([name, be]) => withBackend(be, () => time(`sgemm ${m}x${k}x${n} (${name})`, () => mm(a, b), 2 * m * k * n)));
  });
}

/** Peak FMA GFLOP/s and SGEMM 1024^3 with one thread and with the whole pool (native only). */
function peak(): Record<string, number> | null {
  if (!native) return null;
  const { binding } = native;
  const threads = binding.info().poolThreads;
  const a = randn(1024, 1024);
  const b = randn(1024, 1024);
  const measure = (n: number) => {
    binding.setNumThreads(n);
    const peakGflops = binding.peakGflops(n, 300);
    const sgemmGflops = withBackend(native.backend, () => time(`sgemm 1024 ${n}T`, () => mm(a, b), 2 * 1024 ** 3)).gflops!;
    return { peakGflops, sgemmGflops };
  };
  const one = measure(1);
  const all = measure(threads);
  binding.setNumThreads(threads);
  return {
    threads,
    peak1T: one.peakGflops,
    sgemm1024_1T: one.sgemmGflops,
    fraction1T: one.sgemmGflops / one.peakGflops,
    [`peak${threads}T`]: all.peakGflops,
    [`sgemm1024_${threads}T`]: all.sgemmGflops,
    [`fraction${threads}T`]: all.sgemmGflops / all.peakGflops,
    speedupAllOverOne: all.sgemmGflops / one.sgemmGflops,
  };
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
  return MODELS.flatMap(([name, build, shape]) => {
    const model = build();
    const x = randn(shape);
    return BACKENDS.map(([backendName, be]) => withBackend(be, () => time(`${name} (eager, ${backendName})`, () => model.forward(x))));
  });
}

manualSeed(0);
const chosen = backend();
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model,
  backends: BACKENDS.map(([name]) => name),
  backendAtLoad: chosen,
  budgetMs: BUDGET_MS,
  sgemm: sgemm(),
  models: models(),
  peak: peak(),
};
const dir = join(process.cwd(), "bench", "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${results.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));

console.log(`tsjit bench  ${results.date}  ${results.cpu}  node ${results.node}  backends ${results.backends.join(", ")}`);
console.log(`at load: ${chosen.name}${chosen.isa ? ` (${chosen.isa}, ${chosen.threads} threads)` : ""}: ${chosen.reason}\n`);
const peakAll = results.peak ? (results.peak[`peak${results.peak["threads"]}T`] ?? 0) : 0;
console.log(`${"case".padEnd(34)} ${"median µs".padStart(12)} ${"GFLOP/s".padStart(9)} ${"of peak".padStart(8)} ${"vs js".padStart(8)} ${"calls".padStart(7)}`);
const all = [...results.sgemm, ...results.models];
for (const t of all) {
  const jsTwin = t.name.endsWith("(native)") || t.name.endsWith("(eager, native)") ? all.find((u) => u.name === t.name.replace(/native\)$/, "js)")) : undefined;
  const ofPeak = t.gflops && peakAll && !t.name.endsWith("(js)") ? `${((100 * t.gflops) / peakAll).toFixed(1)}%` : "";
  const speedup = jsTwin ? `${(jsTwin.medianUs / t.medianUs).toFixed(1)}x` : "";
  console.log(`${t.name.padEnd(34)} ${t.medianUs.toFixed(1).padStart(12)} ${(t.gflops?.toFixed(2) ?? "").padStart(9)} ${ofPeak.padStart(8)} ${speedup.padStart(8)} ${String(t.iterations).padStart(7)}`);
}
if (results.peak) {
  const p = results.peak;
  const n = p["threads"]!;
  console.log(`\npeak FP32 FMA (${chosen.isa}): 1 thread ${p["peak1T"]!.toFixed(1)} GFLOP/s, ${n} threads ${p[`peak${n}T`]!.toFixed(1)} GFLOP/s`);
  console.log(`sgemm 1024^3: 1 thread ${p["sgemm1024_1T"]!.toFixed(1)} GFLOP/s = ${(100 * p["fraction1T"]!).toFixed(1)}% of peak; ${n} threads ${p[`sgemm1024_${n}T`]!.toFixed(1)} GFLOP/s = ${(100 * p[`fraction${n}T`]!).toFixed(1)}% of peak; ${n}T/1T = ${p["speedupAllOverOne"]!.toFixed(2)}x`);
} else {
  console.log("\nnative backend not available: no peak measurement (JS only)");
}
console.log(`\nJSON: ${file}`);
