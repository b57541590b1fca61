import type { StridedView } from "../tensor/Tensor.js";
import type { PointwiseProgram } from "./pointwiseProgram.js";

/** Unary ops with a dedicated inner loop. `params` lists each op's scalar parameters. */
export type UnaryKernelOp =
  | "abs"
  | "neg"
  | "exp"
  | "log"
  | "sqrt"
  | "rsqrt"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "erf"
  | "floor"
  | "ceil"
  | "round"
  | "sign"
  | "reciprocal"
  | "log1p"
  | "expm1"
  | "square"
  | "logical_not"
  | "relu"
  | "gelu"
  | "gelu_tanh"
  | "silu"
  /** params: [beta, threshold] */
  | "softplus"
  /** params: [alpha] */
  | "elu"
  /** params: [negativeSlope] */
  | "leaky_relu"
  /** params: [min, max]; -Infinity / Infinity when a bound is absent. */
  | "clamp";

/**
 * Binary ops with a dedicated inner loop. Arithmetic writes out's dtype; comparisons
 * and logical ops write 0/1 into a bool output. `div_trunc`/`div_floor` are division
 * with torch's rounding modes; `remainder` takes the sign of the divisor.
 */
export type BinaryKernelOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "div_trunc"
  | "div_floor"
  | "pow"
  | "maximum"
  | "minimum"
  | "remainder"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "logical_and"
  | "logical_or";

export interface ElementwiseKernels {
  /**
   * out[i] = op(x[i]), computed in doubles and stored in out's dtype. `x` has out's shape
   * (any strides); bool outputs receive 0 or 1.
   */
  unary(op: UnaryKernelOp, x: StridedView, out: StridedView, params: readonly number[]): void;
  /**
   * out[i] = op(a[i], b[i]). `a` and `b` have out's shape, broadcast dims carrying stride 0.
   * `alpha` scales `b` for add and sub and is ignored otherwise.
   */
  binary(op: BinaryKernelOp, a: StridedView, b: StridedView, out: StridedView, alpha: number): void;
  /** out[i] = condition[i] ? a[i] : b[i]; all three inputs have out's shape. */
  where(condition: StridedView, a: StridedView, b: StridedView, out: StridedView): void;
  /**
   * out[i] = program(inputs[0][i], inputs[1][i], ...) (pointwiseProgram.ts), every view
   * float32 with out's shape (broadcast dims stride 0): one pass over the inputs and out.
   */
  pointwise(program: PointwiseProgram, inputs: readonly StridedView[], out: StridedView): void;
}
