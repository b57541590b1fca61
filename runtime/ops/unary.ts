/**
 * Unary math ops. Functions that are only defined on reals (exp, sin, erf, ...)
 * give float32 for integer and bool inputs, as PyTorch does; the ones that are
 * exact on integers (abs, neg, floor, ...) keep the input's dtype.
 */
import { check } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { defineUnary } from "./unaryDefinition.js";

/** float32 for every input: the op is a real function. */
function toFloat(): DType {
  return "float32";
}

function keepDType(self: Tensor): DType {
  return self.dtype;
}

function keepNonBool(op: string, hint: string) {
  return (self: Tensor): DType => {
    check(self.dtype !== "bool", op, () => `not supported for a bool tensor (shape [${self.shape.join(", ")}]); ${hint}`, "DTYPE_MISMATCH");
    return self.dtype;
  };
}

for (const name of ["exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf", "reciprocal", "log1p", "expm1"] as const) {
  defineUnary(name, name, toFloat);
}
for (const name of ["abs", "floor", "ceil", "round", "sign"] as const) defineUnary(name, name, keepDType);
defineUnary("neg", "neg", keepNonBool("neg", "use logicalNot to invert a bool tensor"));
// square is pow(x, 2): a bool tensor with an int scalar promotes to int64.
defineUnary("square", "square", (self) => (self.dtype === "bool" ? "int64" : self.dtype));
defineUnary("logical_not", "logical_not", () => "bool");

export function abs(input: Tensor): Tensor {
  return callTensorOp("abs", [input]);
}
export function neg(input: Tensor): Tensor {
  return callTensorOp("neg", [input]);
}
export function exp(input: Tensor): Tensor {
  return callTensorOp("exp", [input]);
}
export function log(input: Tensor): Tensor {
  return callTensorOp("log", [input]);
}
export function sqrt(input: Tensor): Tensor {
  return callTensorOp("sqrt", [input]);
}
/** 1 / sqrt(input) */
export function rsqrt(input: Tensor): Tensor {
  return callTensorOp("rsqrt", [input]);
}
export function sin(input: Tensor): Tensor {
  return callTensorOp("sin", [input]);
}
export function cos(input: Tensor): Tensor {
  return callTensorOp("cos", [input]);
}
export function tanh(input: Tensor): Tensor {
  return callTensorOp("tanh", [input]);
}
/** 1 / (1 + exp(-input)) */
export function sigmoid(input: Tensor): Tensor {
  return callTensorOp("sigmoid", [input]);
}
/** The Gauss error function. */
export function erf(input: Tensor): Tensor {
  return callTensorOp("erf", [input]);
}
export function floor(input: Tensor): Tensor {
  return callTensorOp("floor", [input]);
}
export function ceil(input: Tensor): Tensor {
  return callTensorOp("ceil", [input]);
}
/** Rounds half to even, as torch.round. */
export function round(input: Tensor): Tensor {
  return callTensorOp("round", [input]);
}
/** -1, 0 or 1 (0 for NaN). */
export function sign(input: Tensor): Tensor {
  return callTensorOp("sign", [input]);
}
/** 1 / input */
export function reciprocal(input: Tensor): Tensor {
  return callTensorOp("reciprocal", [input]);
}
/** log(1 + input), accurate near 0. */
export function log1p(input: Tensor): Tensor {
  return callTensorOp("log1p", [input]);
}
/** exp(input) - 1, accurate near 0. */
export function expm1(input: Tensor): Tensor {
  return callTensorOp("expm1", [input]);
}
export function square(input: Tensor): Tensor {
  return callTensorOp("square", [input]);
}
/** True where input is zero. */
export function logicalNot(input: Tensor): Tensor {
  return callTensorOp("logical_not", [input]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** |this| */
    abs(): Tensor;
    /** -this */
    neg(): Tensor;
    /** e ** this */
    exp(): Tensor;
    /** Natural logarithm. */
    log(): Tensor;
    /** Square root. */
    sqrt(): Tensor;
    /** 1 / sqrt(this) */
    rsqrt(): Tensor;
    /** Sine. */
    sin(): Tensor;
    /** Cosine. */
    cos(): Tensor;
    /** Hyperbolic tangent. */
    tanh(): Tensor;
    /** 1 / (1 + exp(-this)) */
    sigmoid(): Tensor;
    /** The Gauss error function. */
    erf(): Tensor;
    /** Rounds down. */
    floor(): Tensor;
    /** Rounds up. */
    ceil(): Tensor;
    /** Rounds half to even. */
    round(): Tensor;
    /** -1, 0 or 1 (0 for NaN). */
    sign(): Tensor;
    /** 1 / this */
    reciprocal(): Tensor;
    /** log(1 + this) */
    log1p(): Tensor;
    /** exp(this) - 1 */
    expm1(): Tensor;
    /** this * this */
    square(): Tensor;
    /** True where this is zero. */
    logicalNot(): Tensor;
  }
}
