/**
 * `npm run bench:ab -- --baseline <tsjit_native.node>`: this build's addon (B) against
 * another build of it (A, e.g. main's, copied aside before a rebuild), in one process,
 * so a kernel change is measured as a ratio on the same machine at the same moment.
 * Each case runs on both addons in alternating short rounds (the machine is shared and
 * noisy), one thread and the whole pool; the faster round of each side is reported.
 * Cases: the linear layers of the fixture models at batch 1 (GEMV over a transposed
 * weight), mm with a row-major B (the GEMV over rows), the 64-row product of mlp b64
 * with its weight packed per call and packed ahead (an optimized linear, as in mlp b64
 * and attention's blocks), cnn's fused conv2 + relu + 2x2 max pooling
 * (`tsjit::conv2d_act_max_pool2x2`, 32 -> 64 channels on 26 x 26, batch 1 and 32), a 3x3
 * padding-1 conv + relu (`tsjit::conv2d_act`, 64 -> 64 on 56 x 56 and batch 8 on 28 x 28) and the
 * optimized models' cases (`--models mlp,cnn`; `--models none` skips them). `--isa avx2`
 * runs both addons on that ISA (e.g. the AVX2 kernels on an AVX-512 machine).
 */
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { callOp, linear, mm, nn, optimizeForInference, randn, trace, type Tensor } from "tsjit";
import { withBackend } from "../runtime/kernels/index.js";
import { createNativeBackend } from "../runtime/kernels/native/index.js";
import type { NativeBinding } from "../runtime/kernels/native/loader.js";
import { loadFixtureModel } from "../test/utils/fixtureModels.js";
import { loadModelCases, MODEL_NAMES } from "../test/utils/modelFixtures.js";
import { native, poolThreads } from "./backends.js";
import { time } from "./timing.js";

const { values: options } = parseArgs({ options: { baseline: { type: "string" }, models: { type: "string" }, rounds: { type: "string" }, isa: { type: "string" } } });
if (!options.baseline || !native) {
  console.error("node dist/bench/abNative.js --baseline <path to another build's tsjit_native.node> [--models mlp,cnn|none] [--rounds 5] [--isa avx2]");
  process.exit(1);
}
const ROUNDS = Number(options.rounds ?? 5);

const baseline = createRequire(import.meta.url)(options.baseline) as NativeBinding;
const sides = [
  { binding: baseline, backend: createNativeBackend(baseline) },
  { binding: native.binding, backend: native.backend },
];
if (options.isa) for (const side of sides) side.binding.setIsa(options.isa);

interface Case {
  readonly name: string;
  /** Bytes of weight one call reads (for GB/s), or 0. */
  readonly bytes: number;
  readonly run: () => unknown;
}

function linearCase(m: number, k: number, n: number): Case {
  const x = randn(m, k);
  const w = randn(n, k);
  const b = randn(n);
  return { name: `linear ${m}x${k}x${n}`, bytes: 4 * k * n, run: () => linear(x, w, b) };
}

/** A traced and optimized linear layer: its weight a constant, packed once per side. */
function packedLinearCase(m: number, k: number, n: number): Case {
  const layer = new nn.Linear(k, n).eval();
  const x = randn(m, k);
  const optimized = optimizeForInference(trace(layer, [x]));
  return { name: `packed linear ${m}x${k}x${n}`, bytes: 0, run: () => optimized.forward(x) };
}

function mmCase(m: number, k: number, n: number): Case {
  const a = randn(m, k);
  const b = randn(k, n);
  return { name: `mm ${m}x${k}x${n}`, bytes: 4 * k * n, run: () => mm(a, b) };
}

/** conv2d 3x3 + relu + 2x2 max pooling as one fused op (cnn's conv2 at c -> o, h x h). */
function convPoolCase(n: number, c: number, o: number, h: number): Case {
  const x = randn(n, c, h, h);
  const w = randn(o, c, 3, 3);
  const b = randn(o);
  return { name: `conv+pool ${n}x${c}x${h}²->${o}`, bytes: 0, run: () => callOp("conv2d_act_max_pool2x2", [x, w, b, [1, 1], [0, 0], [1, 1], 1, "relu"]) };
}

/** conv2d 3x3, padding 1, + relu (tsjit::conv2d_act) at c -> o channels on h x h. */
function convCase(n: number, c: number, o: number, h: number): Case {
  const x = randn(n, c, h, h);
  const w = randn(o, c, 3, 3);
  const b = randn(o);
  return { name: `conv3x3 ${n}x${c}x${h}²->${o}`, bytes: 0, run: () => callOp("conv2d_act", [x, w, b, [1, 1], [1, 1], [1, 1], 1, "relu"]) };
}

async function modelCases(names: readonly string[]): Promise<Case[]> {
  const cases: Case[] = [];
  for (const name of MODEL_NAMES.filter((n) => names.includes(n))) {
    const model = await loadFixtureModel(name);
    const examples = loadModelCases(name);
    const optimized = optimizeForInference(trace(model, examples[0]!.inputs));
    for (const c of examples) cases.push({ name: `${name} ${c.name}`, bytes: 0, run: () => optimized.forward(...(c.inputs as Tensor[])) });
  }
  return cases;
}

const modelNames = options.models === "none" ? [] : (options.models ?? "mlp,cnn").split(",");
const cases: Case[] = [
  linearCase(1, 9216, 128), linearCase(1, 784, 512), linearCase(1, 512, 512), linearCase(2, 9216, 128),
  mmCase(1, 784, 512), mmCase(1, 2048, 2048), linearCase(64, 784, 512), packedLinearCase(64, 784, 512),
  packedLinearCase(64, 256, 768), packedLinearCase(64, 1024, 256), convPoolCase(1, 32, 64, 26), convPoolCase(32, 32, 64, 26),
  convCase(1, 64, 64, 56), convCase(8, 64, 64, 28),
  ...(await modelCases(modelNames)),
];

const threadCounts = [...new Set([1, poolThreads])];
const fmt = (us: number) => us.toFixed(1).padStart(8);
console.log(`A: ${options.baseline}\nB: this build\n${"case".padEnd(26)} thr      A µs     B µs   A/B   A GB/s  B GB/s`);
for (const c of cases) {
  for (const threads of threadCounts) {
    const best = sides.map(() => Infinity);
    for (let r = 0; r < ROUNDS; r++) {
      sides.forEach((s, i) => {
        s.binding.setNumThreads(threads);
        const t = withBackend(s.backend, () => time(c.name, c.run));
        s.binding.setNumThreads(s.binding.info().poolThreads);
        best[i] = Math.min(best[i]!, t.medianUs);
      });
    }
    const [a, b] = best as [number, number];
    const gbs = (us: number) => (c.bytes ? (c.bytes / us / 1000).toFixed(1) : "").padStart(7);
    console.log(`${c.name.padEnd(26)} ${String(threads).padStart(3)} ${fmt(a)} ${fmt(b)} ${(a / b).toFixed(2).padStart(5)} ${gbs(a)} ${gbs(b)}`);
  }
}
