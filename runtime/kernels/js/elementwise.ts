import type { ElementwiseKernels } from "../elementwise.js";

export const elementwiseKernels: ElementwiseKernels = {};
