/**
 * The machine's peak FP32 FMA throughput, measured by the addon in this run (a loop of
 * independent FMA chains with the active ISA), with one thread and with the pool.
 */
import { native, poolThreads } from "./backends.js";

export interface Peak {
  readonly isa: string;
  /** GFLOP/s by thread count. */
  readonly gflops: Record<number, number>;
}

export function measurePeak(): Peak | null {
  if (!native) return null;
  const { binding } = native;
  const gflops: Record<number, number> = {};
  for (const threads of new Set([1, poolThreads])) gflops[threads] = binding.peakGflops(threads, 300);
  return { isa: binding.info().isa, gflops };
}
