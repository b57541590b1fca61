/**
 * What one call costs when its JS runs from cold caches (docs/jit.md, "Cost per
 * node"): on one thread, a GEMV streams a weight twice the size of L2 (as the mlp
 * model's layers do at batch 1), then the call runs, timed alone; against the same
 * call run back to back. The calls nest: the addon's entry point, the backend's kernel
 * around it, the op's `run` around that, `runOp` (infer, allocate, run), and plans of
 * one and eight such nodes, run and replayed (Note [Replayed plans]), so the
 * differences show which layer's code and data cost what. Variants interleave round by
 * round so a noisy phase hits them all alike; each figure is a median over rounds,
 * less the same timing of an empty call.
 */
import { randn } from "tsjit";
import { parseGraph } from "../runtime/ir/parser.js";
import { compileGraph, runPlan } from "../runtime/jit/executor.js";
import { currentBackend } from "../runtime/kernels/index.js";
import { stridedLayout } from "../runtime/kernels/native/views.js";
import { runOp } from "../runtime/ops/dispatch.js";
import { emptyTensor } from "../runtime/tensor/Tensor.js";
import { native } from "./backends.js";
import { addOp, chainOfAdds } from "./chainOfAdds.js";

export interface ColdRow {
  readonly what: string;
  /** Median µs of one call run back to back. */
  readonly warmUs: number;
  /** Median µs of one call right after the stream. */
  readonly afterStreamUs: number;
}

const ROUNDS = 40;
const CALLS_PER_ROUND = 30;
/** 4 MiB of float32: twice a 2 MiB L2. */
const STREAM_FLOATS = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** Mean µs of `body` alone, each time right after `before` when given. */
function perCallUs(body: () => void, before?: () => void): number {
  let total = 0n;
  for (let i = 0; i < CALLS_PER_ROUND; i++) {
    before?.();
    const start = process.hrtime.bigint();
    body();
    total += process.hrtime.bigint() - start;
  }
  return Number(total) / CALLS_PER_ROUND / 1e3;
}

/** The rows, on one thread of the native backend; empty without the addon. */
export function coldForwardRows(): ColdRow[] {
  if (!native) return [];
  const { binding } = native;
  const K = 1024;
  const N = STREAM_FLOATS / K;
  const weight = randn([N * K]).storage as Float32Array;
  const x = randn([K]).storage as Float32Array;
  const y = new Float32Array(N);
  const gemv = new Float64Array([1, N, K, 0, K, 1, 0, 1, K, 0, 0, N, 1, 0, -1]);
  const stream = () => binding.sgemmFused(x, weight, y, null, null, gemv);

  const small = randn([1, 64]);
  const out = emptyTensor(small.shape, "float32");
  const view = (storage: Float32Array) => ({ storage, shape: small.shape, strides: small.strides, offset: 0, dtype: small.dtype });
  const [a, sum] = [view(small.storage as Float32Array), view(out.storage as Float32Array)];
  const layout = Int32Array.from(stridedLayout(small.shape, [a, a, sum])!);
  const add = addOp();
  const backend = currentBackend();
  const args = [small, small, 1];
  const plans = [1, 8].flatMap((n) => [false, true].map((replay) => ({ n, replay, plan: compileGraph(parseGraph(chainOfAdds(n)), { replay }) })));
  const variants: [string, () => void][] = [
    ["nothing", () => {}],
    ["addon entry point (binary)", () => binding.binary(0, 1, layout, a.storage, a.storage, sum.storage)],
    ["backend.binary", () => backend.binary("add", a, a, sum, 1)],
    ["op.run", () => add.run(args, [out], backend)],
    ["runOp (infer, allocate, run)", () => runOp(add, args)],
    ...plans.map(({ n, replay, plan }): [string, () => void] => [`${replay ? "replayed " : ""}plan of ${n} add${n > 1 ? "s" : ""}`, () => runPlan(plan, undefined, [small])]),
  ];

  binding.setNumThreads(1);
  try {
    const warm = variants.map((): number[] => []);
    const cold = variants.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      variants.forEach(([, body], v) => {
        cold[v]!.push(perCallUs(body, stream));
        warm[v]!.push(perCallUs(body));
      });
    }
    const [warmEmpty, coldEmpty] = [median(warm[0]!), median(cold[0]!)];
    return variants.slice(1).map(([what], i) => ({ what, warmUs: median(warm[i + 1]!) - warmEmpty, afterStreamUs: median(cold[i + 1]!) - coldEmpty }));
  } finally {
    binding.setNumThreads(binding.info().poolThreads);
  }
}
