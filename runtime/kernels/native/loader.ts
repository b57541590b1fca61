/**
 * Loads the native addon (build/Release/tsjit_native.node, built by `npm install`;
 * docs/native.md) when this runs in Node and the file is there. Nothing here is
 * imported statically from Node's modules, so the runtime still loads where there is
 * no `process` or no addon: `loadNative()` then reports why, and the JS kernels run.
 */
import type { CopyBinding } from "./copy.js";
import type { ConvBinding } from "./conv.js";
import type { ElementwiseBinding } from "./elementwise.js";
import type { FusedBinding } from "./fused.js";
import type { GemmBinding } from "./gemm.js";
import type { ReduceBinding } from "./reduce.js";
import type { RowwiseBinding } from "./rowwise.js";

/** The addon's state: its ISA and threads, and the machine's peak for the bench. */
export interface CoreBinding {
  /** threads: what kernels use now (poolThreads unless capped by setNumThreads); malloc: what load did to malloc's settings (Note [Keeping freed pages]). */
  info(): { isa: string; isaReason: string; threads: number; poolThreads: number; supportedIsas: string[]; malloc: string };
  /** Counts the switches of the kernel table by setIsa (what was packed for one ISA is stale after a switch). */
  isaGeneration(): number;
  /** How many bytes past a 64-byte boundary the array's first element sits. */
  misalignment(array: Float32Array): number;
  /** Caps the threads kernels use (at least 1; the pool itself keeps its size). */
  setNumThreads(n: number): void;
  /** Switches the kernel table ("avx512" | "avx2" | "generic"); throws when the CPU lacks it. */
  setIsa(name: string): void;
  /** This machine's FP32 FMA throughput in GFLOP/s with the active ISA, over `ms` milliseconds. */
  peakGflops(threads: number, ms: number): number;
  /** ns one job of `threads` empty shares costs the pool (median of 15 rounds of `jobs` jobs). */
  forkJoinNs(threads: number, jobs: number): number;
}

/** The raw binding, one interface per kernel family. Every function checks its arguments and throws on a mismatch. */
export type NativeBinding = CoreBinding & GemmBinding & ElementwiseBinding & RowwiseBinding & CopyBinding & ReduceBinding & ConvBinding & FusedBinding;

export type NativeLoad = { readonly binding: NativeBinding; readonly reason: string } | { readonly binding: null; readonly reason: string };

/**
 * From runtime/kernels/native/ (sources, under vitest), dist/runtime/kernels/native/
 * (built), or dist/transformer/shared.cjs (the transformer bundle carries the runtime).
 */
const CANDIDATES = ["../../../build/Release/tsjit_native.node", "../../../../build/Release/tsjit_native.node", "../../build/Release/tsjit_native.node"];

let loaded: NativeLoad | undefined;

export function loadNative(): NativeLoad {
  loaded ??= tryLoad();
  return loaded;
}

function tryLoad(): NativeLoad {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc?.versions?.node) return { binding: null, reason: "not running in Node.js" };
  const moduleApi = proc.getBuiltinModule?.("node:module") as { createRequire(url: string): (id: string) => unknown } | undefined;
  const fs = proc.getBuiltinModule?.("node:fs") as { existsSync(path: string): boolean } | undefined;
  if (!moduleApi || !fs) return { binding: null, reason: `Node.js ${proc.versions.node} lacks process.getBuiltinModule (needs 20.16 or later)` };
  const require = moduleApi.createRequire(import.meta.url);
  const resolveFile = (candidate: string): string => decodeURIComponent(new URL(candidate, import.meta.url).pathname);
  for (const candidate of CANDIDATES) {
    const file = resolveFile(candidate);
    if (!fs.existsSync(file)) continue;
    try {
      const binding = require(file) as NativeBinding;
      const info = binding.info();
      return { binding, reason: `native addon loaded from ${file} (isa ${info.isa}: ${info.isaReason})` };
    } catch (error) {
      return { binding: null, reason: `native addon at ${file} failed to load: ${(error as Error).message}` };
    }
  }
  return { binding: null, reason: "native addon not built (no build/Release/tsjit_native.node; `npm install` builds it, docs/native.md)" };
}
