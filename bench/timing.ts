/** Median wall time per call, after a warm-up, over as many calls as fit the budget. */
export const BUDGET_MS = Number(process.env["BENCH_BUDGET_MS"] ?? 400);

export interface Timing {
  readonly name: string;
  readonly medianUs: number;
  readonly iterations: number;
  readonly gflops?: number;
}

export function time(name: string, body: () => unknown, flops?: number): Timing {
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
