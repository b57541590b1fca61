/**
 * The kernel interface. Kernels are destination-passing: they receive their inputs
 * as strided views and write into output views the caller allocated; they never
 * allocate tensors themselves. Two implementations sit behind it: `js/` (the
 * reference, runs everywhere) and the native addon (issue: native kernels).
 *
 * Each family declares its kernels in its own file; the backend is their union.
 */
import type { CopyKernels } from "./copy.js";
import type { ElementwiseKernels } from "./elementwise.js";
import type { IndexingKernels } from "./indexing.js";
import type { LinalgKernels } from "./linalg.js";
import type { ReductionKernels } from "./reduction.js";

export interface Backend extends CopyKernels, ElementwiseKernels, ReductionKernels, LinalgKernels, IndexingKernels {
  readonly name: string;
}
