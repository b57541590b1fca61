import type { IndexingKernels } from "../indexing.js";

export const indexingKernels: IndexingKernels = {};
