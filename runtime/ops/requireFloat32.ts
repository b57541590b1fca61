/** The dtype check shared by the matrix, convolution and pooling ops, which are float32 only. */
import { check, formatShape } from "../errors.js";
import type { Tensor } from "../tensor/Tensor.js";

export function requireFloat32(op: string, argName: string, t: Pick<Tensor, "dtype" | "shape">): void {
  check(
    t.dtype === "float32",
    op,
    () => `expected ${argName} to be float32, got ${t.dtype} (shape ${formatShape(t.shape)}); only float32 is supported`,
    "DTYPE_MISMATCH",
  );
}
