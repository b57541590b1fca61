/** The pure-TypeScript backend: the reference every other backend is checked against. */
import type { Backend } from "../Backend.js";
import { copyKernels } from "./copy.js";
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { linalgKernels } from "./linalg.js";
import { reductionKernels } from "./reduction.js";

export const jsBackend: Backend = {
  name: "js",
  ...copyKernels,
  ...elementwiseKernels,
  ...reductionKernels,
  ...linalgKernels,
  ...indexingKernels,
};
