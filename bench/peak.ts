/**
 * The machine's peak FP32 FMA throughput, measured by the addon in this run (a loop of
 * independent FMA chains with the active ISA), with one thread and with the pool; and
 * the SGEMM kernel alone on 1024^3 (preallocated operands, no tensor around it), so its
 * fraction of peak excludes what `mm` adds (allocating and zeroing the 4 MB result).
 */
import { native, poolThreads } from "./backends.js";
import { time } from "./timing.js";

export interface Peak {
  readonly isa: string;
  /** Peak GFLOP/s by thread count. */
  readonly gflops: Record<number, number>;
  /** The SGEMM kernel's GFLOP/s on 1024^3 by thread count. */
  readonly sgemmKernel1024: Record<number, number>;
}

const N = 1024;

export function measurePeak(): Peak | null {
  if (!native) return null;
  const { binding } = native;
  const a = Float32Array.from({ length: N * N }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: N * N }, () => Math.random() - 0.5);
  const c = new Float32Array(N * N);
  const gflops: Record<number, number> = {};
  const sgemmKernel1024: Record<number, number> = {};
  for (const threads of new Set([1, poolThreads])) {
    gflops[threads] = binding.peakGflops(threads, 300);
    binding.setNumThreads(threads);
    const kernel = () => binding.sgemm(N, N, N, 1, a, 0, N, 1, b, 0, N, 1, 0, c, 0, N, 1);
    sgemmKernel1024[threads] = time(`sgemm kernel ${N}^3 ${threads}T`, kernel, 2 * N ** 3).gflops!;
  }
  binding.setNumThreads(poolThreads);
  return { isa: binding.info().isa, gflops, sgemmKernel1024 };
}
