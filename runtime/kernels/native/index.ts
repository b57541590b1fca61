/**
 * The native backend: the JS backend with the kernels the addon has swapped in, one
 * file per family. Whatever a native kernel does not cover (other dtypes, layouts or
 * ops) runs the JS kernel, per call.
 */
import type { Backend } from "../Backend.js";
import { jsBackend } from "../js/index.js";
import { nativeConvKernels } from "./conv.js";
import { nativeElementwiseKernels } from "./elementwise.js";
import { nativeGemmKernels } from "./gemm.js";
import type { NativeBinding } from "./loader.js";
import { nativeRowwiseKernels } from "./rowwise.js";

export function createNativeBackend(binding: NativeBinding): Backend {
  return {
    ...jsBackend,
    name: "native",
    ...nativeGemmKernels(binding),
    ...nativeConvKernels(binding),
    ...nativeElementwiseKernels(binding),
    ...nativeRowwiseKernels(binding),
  };
}
