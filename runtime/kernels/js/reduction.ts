import type { ReductionKernels } from "../reduction.js";

export const reductionKernels: ReductionKernels = {};
