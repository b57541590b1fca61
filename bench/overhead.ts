/**
 * `npm run bench:overhead`: the executor's cost per node. A plan of N chained
 * `aten::add.Tensor` on a tiny tensor runs on each backend; the time per node is
 * split by timing each stage of one op on its own, in the same process:
 *
 * - crossing (native only): the addon's binary entry point alone, on a prepared layout:
 *   the N-API call and the C++ kernel;
 * - kernel: the backend's `binary` on prepared views (for native, its checks, the
 *   layout, then the addon call; under NATIVE_ELEMENTWISE_MIN the JS kernel);
 * - run: the op's `run` (operand views, then the kernel);
 * - infer: the op's `infer` (broadcast, promotion, validation);
 * - allocate: the output tensor (fresh, or from the plan's pool);
 * - runOp: infer + allocate + run as the executor calls them;
 * - plan: one node of a whole planned run (runOp + instruction loop + liveness);
 * - replay: one node of the same plan replaying its recorded backend calls (Note
 *   [Replayed plans] in runtime/jit/executor/replay.ts).
 *
 * [1,8] stays in JS on the native backend (under NATIVE_ELEMENTWISE_MIN); [1,64] crosses
 * into the addon. With the addon, it also times one parallel job of empty shares on the
 * thread pool (fork and join, what a kernel split over the cores pays on top of its
 * work), and what an add's layers (the addon's entry point up to a plan) cost run
 * right after a GEMV that streamed twice L2's worth of weights (coldForward.ts). JSON
 * goes to bench/results/overhead-<date>.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randn, Tensor } from "tsjit";
import { parseGraph } from "../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../runtime/jit/executor.js";
import { runOp } from "../runtime/ops/dispatch.js";
import { emptyTensor } from "../runtime/tensor/Tensor.js";
import { currentBackend } from "../runtime/kernels/index.js";
import { stridedLayout } from "../runtime/kernels/native/views.js";
import { BENCH_BACKENDS, native } from "./backends.js";
import { addOp, chainOfAdds } from "./chainOfAdds.js";
import { coldForwardRows } from "./coldForward.js";
import { time } from "./timing.js";

const NODES = 64;

interface Stage {
  readonly stage: string;
  readonly usPerNode: number;
}

function perNode(name: string, body: () => void): number {
  return time(name, () => {
    for (let i = 0; i < NODES; i++) body();
  }).medianUs / NODES;
}

function stages(shape: number[]): Stage[] {
  const op = addOp();
  const x = randn(shape);
  const args: unknown[] = [x, x, 1];
  const out = emptyTensor(x.shape, "float32");
  const plan = compileGraph(parseGraph(chainOfAdds(NODES)), { replay: false });
  const replayed = compileGraph(parseGraph(chainOfAdds(NODES)));
  const view = { storage: x.storage, shape: x.shape, strides: x.strides, offset: 0, dtype: x.dtype };
  const backend = currentBackend();
  const label = shape.join("x");
  const layout = Int32Array.from(stridedLayout(x.shape, [view, view, out])!);
  const f32 = x.storage as Float32Array;
  const crossing: Stage[] =
    native && backend === native.backend
      ? [{ stage: "crossing", usPerNode: perNode(`crossing ${label}`, () => native!.binding.binary(0, 1, layout, f32, f32, out.storage as Float32Array)) }]
      : [];
  return [
    ...crossing,
    { stage: "kernel", usPerNode: perNode(`kernel ${label}`, () => backend.binary("add", view, view, out, 1)) },
    { stage: "run", usPerNode: perNode(`run ${label}`, () => op.run(args, [out], backend)) },
    { stage: "infer", usPerNode: perNode(`infer ${label}`, () => op.infer(args)) },
    { stage: "allocate", usPerNode: perNode(`allocate ${label}`, () => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), x.shape, x.strides, 0, "float32")) },
    { stage: "runOp", usPerNode: perNode(`runOp ${label}`, () => runOp(op, args)) },
    { stage: "plan", usPerNode: time(`plan ${label}`, () => runPlan(plan, undefined, [x])).medianUs / NODES },
    { stage: "replay", usPerNode: time(`replay ${label}`, () => runPlan(replayed, undefined, [x])).medianUs / NODES },
  ];
}

const rows: { backend: string; shape: string; stage: string; usPerNode: number }[] = [];
for (const be of BENCH_BACKENDS) {
  for (const shape of [[1, 8], [1, 64]]) {
    for (const s of be.run(() => stages(shape))) rows.push({ backend: be.label, shape: shape.join("x"), ...s });
  }
}

const stageNames = [...new Set(rows.map((r) => r.stage))];
console.log(`executor cost per node (us), a plan of ${NODES} chained aten::add.Tensor`);
console.log(`${"backend".padEnd(12)} ${"shape".padEnd(6)} ${stageNames.map((s) => s.padStart(9)).join(" ")}`);
for (const key of [...new Set(rows.map((r) => `${r.backend}|${r.shape}`))]) {
  const [backendLabel, shape] = key.split("|") as [string, string];
  const cells = stageNames.map((s) => (rows.find((r) => r.backend === backendLabel && r.shape === shape && r.stage === s)?.usPerNode.toFixed(3) ?? "-").padStart(9));
  console.log(`${backendLabel.padEnd(12)} ${shape.padEnd(6)} ${cells.join(" ")}`);
}

const forkJoin = native
  ? Array.from({ length: native.binding.info().poolThreads }, (_, i) => ({ threads: i + 1, ns: native!.binding.forkJoinNs(i + 1, 2000) }))
  : [];
if (forkJoin.length > 0) console.log(`\nthread pool, one job of empty shares (ns): ${forkJoin.map((f) => `${f.threads}T ${f.ns.toFixed(0)}`).join(", ")}`);

const cold = coldForwardRows();
if (cold.length > 0) {
  console.log(`\none add [1, 64], us a call: back to back / right after a one-thread GEMV streamed 4 MiB of weights (2x L2)`);
  for (const row of cold) console.log(`${row.what.padEnd(30)} ${row.warmUs.toFixed(2).padStart(7)} ${row.afterStreamUs.toFixed(2).padStart(7)}`);
}

const date = new Date().toISOString();
const dir = join(process.cwd(), "bench", "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `overhead-${date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ date, node: process.version, nodes: NODES, rows, forkJoin, cold }, null, 2));
console.log(`\nJSON: ${file}`);
