/** Registration helpers shared by the unary op modules (kept out of the public exports). */
import { check } from "../errors.js";
import type { UnaryKernelOp } from "../kernels/elementwise.js";
import { isFloatingPoint, type DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { defineOp } from "./registry.js";

/** Registers `name(Tensor self) -> Tensor` running `kernel` with no parameters. */
export function defineUnary(name: string, kernel: UnaryKernelOp, outDType: (self: Tensor) => DType, method = true): void {
  defineOp<[self: Tensor]>({
    schema: `${name}(Tensor self) -> Tensor`,
    method,
    kind: "kernel",
    infer: ([self]) => [{ shape: self.shape, dtype: outDType(self) }],
    run: ([self], [out], backend) => backend.unary(kernel, self, out!, []),
  });
}

/** The floating-point check shared by activations that PyTorch defines only for floats. */
export function checkFloat(op: string, self: Tensor): DType {
  check(isFloatingPoint(self.dtype), op, () => `expected a floating point tensor, got ${self.dtype} (shape [${self.shape.join(", ")}])`, "DTYPE_MISMATCH");
  return self.dtype;
}
