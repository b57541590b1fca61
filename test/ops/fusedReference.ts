/** What the fused-op tests compare with: each epilogue activation as its own op, and the backends to run on. */
import { gelu, relu, sigmoid, silu, tanh, type Tensor } from "../../runtime/index.js";
import { withBackend } from "../../runtime/kernels/index.js";
import { jsBackend } from "../../runtime/kernels/js/index.js";
import type { EpilogueActivation } from "../../runtime/kernels/linalg.js";

export const unfused: Record<EpilogueActivation, (x: Tensor) => Tensor> = {
  relu,
  tanh,
  sigmoid,
  silu,
  gelu: (x) => gelu(x),
  gelu_tanh: (x) => gelu(x, { approximate: "tanh" }),
};

/** The JS backend, and the default one (native when the addon is built). */
export const backends = [["js", (body: () => void) => withBackend(jsBackend, body)], ["default", (body: () => void) => body()]] as const;
