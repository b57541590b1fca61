/** float32 binary and unary ops, comparisons and where, over strided operands (broadcast, transposed, sliced). */
import type { Backend } from "../Backend.js";
import type { BinaryKernelOp, UnaryKernelOp } from "../elementwise.js";
import { jsBackend } from "../js/index.js";
import type { StridedView } from "../../tensor/Tensor.js";
import { numelOf } from "../../tensor/shape.js";
import { isDense, NATIVE_ELEMENTWISE_MIN, safeAlias, stridedLayout } from "./views.js";

/**
 * `layout` (views.ts stridedLayout) describes the operands in argument order, output
 * last; the output is dense, an input overlaps it only as an exact alias.
 */
export interface ElementwiseBinding {
  /** op: BINARY_CODES; alpha scales b for add and sub. */
  binary(op: number, alpha: number, layout: Int32Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** op: UNARY_CODES; param0/param1: the op's parameters (0 when it has none). */
  unary(op: number, param0: number, param1: number, layout: Int32Array, x: Float32Array, out: Float32Array): void;
  /** out = a OP b as 0/1; op: COMPARE_CODES. */
  compare(op: number, layout: Int32Array, a: Float32Array, b: Float32Array, out: Uint8Array): void;
  /** out = condition != 0 ? a : b. */
  where(layout: Int32Array, condition: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array): void;
}

/** runtime/native/kernels.h BinaryOp and UnaryOp. */
export const BINARY_CODES: Partial<Record<BinaryKernelOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6 };
export const UNARY_CODES: Partial<Record<UnaryKernelOp, number>> = {
  relu: 0, tanh: 1, exp: 2, sigmoid: 3, gelu: 4, gelu_tanh: 5, abs: 6, neg: 7, log: 8, sqrt: 9, rsqrt: 10, sin: 11, cos: 12, erf: 13,
  floor: 14, ceil: 15, round: 16, sign: 17, reciprocal: 18, log1p: 19, expm1: 20, square: 21, silu: 22, softplus: 23, elu: 24,
  leaky_relu: 25, clamp: 26,
};

/** runtime/native/bind-elementwise.cc CompareOp. */
export const COMPARE_CODES: Partial<Record<BinaryKernelOp, number>> = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 };

type F32View = StridedView & { storage: Float32Array };

function isF32(v: StridedView): v is F32View {
  return v.storage instanceof Float32Array;
}

/** Worth a native call: enough elements, a dense output, and inputs that alias it only exactly. */
function nativeShaped(out: StridedView, inputs: readonly StridedView[]): boolean {
  return numelOf(out.shape) >= NATIVE_ELEMENTWISE_MIN && isDense(out) && inputs.every((v) => safeAlias(v, out));
}

export function nativeElementwiseKernels(binding: ElementwiseBinding): Pick<Backend, "unary" | "binary" | "where"> {
  return {
    unary(op, x, out, params) {
      const code = UNARY_CODES[op];
      if (code !== undefined && isF32(x) && isF32(out) && nativeShaped(out, [x]) && !(op === "clamp" && params.some(Number.isNaN))) {
        const layout = stridedLayout(out.shape, [x, out]);
        if (layout) {
          binding.unary(code, params[0] ?? 0, params[1] ?? 0, layout, x.storage, out.storage);
          return;
        }
      }
      jsBackend.unary(op, x, out, params);
    },
    binary(op, a, b, out, alpha) {
      const code = BINARY_CODES[op];
      if (code !== undefined && isF32(a) && isF32(b) && isF32(out) && nativeShaped(out, [a, b])) {
        const layout = stridedLayout(out.shape, [a, b, out]);
        if (layout) {
          binding.binary(code, alpha, layout, a.storage, b.storage, out.storage);
          return;
        }
      }
      const comparison = COMPARE_CODES[op];
      if (comparison !== undefined && isF32(a) && isF32(b) && out.storage instanceof Uint8Array && nativeShaped(out, [a, b])) {
        const layout = stridedLayout(out.shape, [a, b, out]);
        if (layout) {
          binding.compare(comparison, layout, a.storage, b.storage, out.storage);
          return;
        }
      }
      jsBackend.binary(op, a, b, out, alpha);
    },
    where(condition, a, b, out) {
      if (condition.storage instanceof Uint8Array && isF32(a) && isF32(b) && isF32(out) && nativeShaped(out, [condition, a, b])) {
        const layout = stridedLayout(out.shape, [condition, a, b, out]);
        if (layout) {
          binding.where(layout, condition.storage, a.storage, b.storage, out.storage);
          return;
        }
      }
      jsBackend.where(condition, a, b, out);
    },
  };
}
