/**
 * Median wall time per call, each call timed on its own as the anchors time theirs,
 * after a warm-up of WARMUP_MS (the anchors' 0.25 s: three calls, as before, left V8
 * still compiling a small model's code while it was timed), over as many calls as fit
 * the budget.
 */
export const BUDGET_MS = Number(process.env["BENCH_BUDGET_MS"] ?? 400);
const WARMUP_MS = Number(process.env["BENCH_WARMUP_MS"] ?? 250);

export interface Timing {
  readonly name: string;
  readonly medianUs: number;
  readonly iterations: number;
  readonly gflops?: number;
}

export function time(name: string, body: () => unknown, flops?: number): Timing {
  const warm = performance.now() + WARMUP_MS;
  for (let i = 0; i < 3 || performance.now() < warm; i++) body();
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
