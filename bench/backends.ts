/**
 * The configurations the bench compares: the JS backend, and the native backend with
 * one thread and with the whole pool (when the addon is built).
 */
import type { Backend } from "../runtime/kernels/Backend.js";
import { jsBackend, nativeBackend, withBackend } from "../runtime/kernels/index.js";

export interface BenchBackend {
  /** "js", "native 1T", "native 2T", ... */
  readonly label: string;
  run<T>(body: () => T): T;
}

export const native = nativeBackend();
export const poolThreads = native?.binding.info().poolThreads ?? 1;

function onNative(threads: number): BenchBackend {
  const { backend, binding } = native!;
  return {
    label: `native ${threads}T`,
    run(body) {
      binding.setNumThreads(threads);
      try {
        return withBackend(backend, body);
      } finally {
        binding.setNumThreads(poolThreads);
      }
    },
  };
}

function on(label: string, backend: Backend): BenchBackend {
  return { label, run: (body) => withBackend(backend, body) };
}

export const JS = on("js", jsBackend);
/** js, then native with one thread and with all (one entry when the pool has one thread). */
export const BENCH_BACKENDS: BenchBackend[] = [JS, ...(native ? [...new Set([1, poolThreads])].map(onNative) : [])];
