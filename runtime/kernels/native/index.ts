/**
 * The native backend: the JS backend with the kernels the addon has swapped in, one
 * file per family. Whatever a native kernel does not cover (other dtypes, layouts or
 * ops) runs the JS kernel, per call.
 */
import type { Backend } from "../Backend.js";
import { jsBackend } from "../js/index.js";
import { nativeCopyKernels } from "./copy.js";
import { nativeConvKernels } from "./conv.js";
import { nativeElementwiseKernels } from "./elementwise.js";
import { nativeFusedKernels } from "./fused.js";
import { nativeGemmKernels } from "./gemm.js";
import type { NativeBinding } from "./loader.js";
import { nativeReduceKernels } from "./reduce.js";
import { nativeRowwiseKernels } from "./rowwise.js";

export function createNativeBackend(binding: NativeBinding): Backend {
  const rowwise = nativeRowwiseKernels(binding);
  return {
    ...jsBackend,
    name: "native",
    ...nativeGemmKernels(binding),
    ...nativeConvKernels(binding),
    ...nativeElementwiseKernels(binding),
    ...nativeFusedKernels(binding),
    ...nativeCopyKernels(binding),
    ...rowwise,
    ...nativeReduceKernels(binding, rowwise),
  };
}
