import type { LinalgKernels } from "../linalg.js";

export const linalgKernels: LinalgKernels = {};
