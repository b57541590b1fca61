/** Contiguous float32 add/sub/mul/div and relu/tanh/exp/sigmoid/gelu. */
import type { Backend } from "../Backend.js";
import type { BinaryKernelOp, UnaryKernelOp } from "../elementwise.js";
import { jsBackend } from "../js/index.js";
import { numelOf } from "../../tensor/shape.js";
import { isDenseF32, NATIVE_ELEMENTWISE_MIN, safeAlias } from "./views.js";

export interface ElementwiseBinding {
  /** op: 0 add, 1 sub, 2 mul, 3 div; n contiguous elements from each offset. */
  binary(op: number, a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, out: Float32Array, outOffset: number, n: number, alpha: number): void;
  /** op: 0 relu, 1 tanh, 2 exp, 3 sigmoid, 4 gelu, 5 gelu (tanh form). */
  unary(op: number, x: Float32Array, xOffset: number, out: Float32Array, outOffset: number, n: number): void;
}

const BINARY_CODES: Partial<Record<BinaryKernelOp, number>> = { add: 0, sub: 1, mul: 2, div: 3 };
const UNARY_CODES: Partial<Record<UnaryKernelOp, number>> = { relu: 0, tanh: 1, exp: 2, sigmoid: 3, gelu: 4, gelu_tanh: 5 };

export function nativeElementwiseKernels(binding: ElementwiseBinding): Pick<Backend, "unary" | "binary"> {
  return {
    unary(op, x, out, params) {
      const code = UNARY_CODES[op];
      const n = numelOf(out.shape);
      if (code !== undefined && n >= NATIVE_ELEMENTWISE_MIN && isDenseF32(x) && isDenseF32(out) && safeAlias(x, out)) {
        binding.unary(code, x.storage, x.offset, out.storage, out.offset, n);
        return;
      }
      jsBackend.unary(op, x, out, params);
    },
    binary(op, a, b, out, alpha) {
      const code = BINARY_CODES[op];
      const n = numelOf(out.shape);
      if (code !== undefined && n >= NATIVE_ELEMENTWISE_MIN && isDenseF32(a) && isDenseF32(b) && isDenseF32(out) && safeAlias(a, out) && safeAlias(b, out)) {
        binding.binary(code, a.storage, a.offset, b.storage, b.offset, out.storage, out.offset, n, alpha);
        return;
      }
      jsBackend.binary(op, a, b, out, alpha);
    },
  };
}
