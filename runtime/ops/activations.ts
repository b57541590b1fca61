/** Activation functions, clamp and dropout. */
import { check, fail } from "../errors.js";
import type { UnaryKernelOp } from "../kernels/elementwise.js";
import { castScalar, resultType, type DType, type Scalar } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { promotionOperand } from "./elementwiseOperands.js";
import { defineOp } from "./registry.js";
import { checkFloat, defineUnary } from "./unaryDefinition.js";

defineUnary("relu", "relu", (self) => {
  check(self.dtype !== "bool", "relu", () => `not supported for a bool tensor (shape [${self.shape.join(", ")}])`, "DTYPE_MISMATCH");
  return self.dtype;
});
defineUnary("silu", "silu", (self) => checkFloat("silu", self), false);

/**
 * A float-only activation with scalar parameters: `params` picks the kernel's
 * parameters (in the kernel's order) from the bound arguments after `self`.
 */
function defineParameterized<P extends unknown[]>(schema: string, kernel: (args: P) => UnaryKernelOp, params: (args: P) => number[]): void {
  const name = schema.slice(0, schema.indexOf("("));
  defineOp<[Tensor, ...P]>({
    schema,
    kind: "kernel",
    infer: ([self, ...rest]) => {
      kernel(rest as P);
      return [{ shape: self.shape, dtype: checkFloat(name, self) }];
    },
    run: ([self, ...rest], [out], backend) => backend.unary(kernel(rest as P), self, out!, params(rest as P)),
  });
}

defineParameterized<[approximate: string]>(
  "gelu(Tensor self, *, str approximate='none') -> Tensor",
  ([approximate]) => {
    if (approximate === "none") return "gelu";
    if (approximate === "tanh") return "gelu_tanh";
    fail("INVALID_ARGUMENT", `gelu(): approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
  },
  () => [],
);
defineParameterized<[beta: Scalar, threshold: Scalar]>(
  "softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor",
  () => "softplus",
  ([beta, threshold]) => [Number(beta), Number(threshold)],
);
defineParameterized<[alpha: Scalar]>("elu(Tensor self, Scalar alpha=1) -> Tensor", () => "elu", ([alpha]) => [Number(alpha)]);
defineParameterized<[negativeSlope: Scalar]>(
  "leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor",
  () => "leaky_relu",
  ([slope]) => [Number(slope)],
);
defineParameterized<[minVal: Scalar, maxVal: Scalar]>(
  "hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor",
  () => "clamp",
  ([minVal, maxVal]) => [Number(minVal), Number(maxVal)],
);

type ClampArgs = [self: Tensor, min: Scalar | null, max: Scalar | null];

/** torch.clamp promotes with its bounds: an int tensor clamped to 0.5 becomes float32. */
function clampDType([self, min, max]: ClampArgs): DType {
  const bounds = [min, max].filter((b): b is Scalar => b !== null);
  return resultType([promotionOperand(self), ...bounds.map(promotionOperand)]);
}

defineOp<ClampArgs>({
  schema: "clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor",
  method: true,
  kind: "kernel",
  infer: (args) => {
    check(args[1] !== null || args[2] !== null, "clamp", () => "at least one of min and max must be given (not null)");
    return [{ shape: args[0].shape, dtype: clampDType(args) }];
  },
  run: ([self, min, max], [out], backend) => {
    // Absent bounds are infinities, which must not go through castScalar (int casts would make them 0).
    const bound = (b: Scalar | null, absent: number) => (b === null ? absent : castScalar(Number(b), out!.dtype));
    backend.unary("clamp", self, out!, [bound(min, -Infinity), bound(max, Infinity)]);
  },
});

defineOp<[input: Tensor, p: number, training: boolean]>({
  schema: "dropout(Tensor input, float p=0.5, bool training=True) -> Tensor",
  kind: "composite",
  compose: ([input, p, training]) => {
    check(p >= 0 && p <= 1, "dropout", () => `dropout probability p has to be between 0 and 1, got ${p}`);
    if (!training || p === 0) return input;
    checkFloat("dropout", input);
    const keep = callTensorOp("ge", [callTensorOp("rand", [input.shape]), p]);
    // where() rather than a multiply by the mask: with p = 1 the scale is infinite.
    return callTensorOp("where", [keep, callTensorOp("mul", [input, 1 / (1 - p)]), 0]);
  },
});

export function relu(input: Tensor): Tensor {
  return callTensorOp("relu", [input]);
}

export interface GeluOptions {
  /** "none": exact, x * Phi(x) with the error function; "tanh": the tanh approximation. */
  readonly approximate?: "none" | "tanh";
}

export function gelu(input: Tensor, options?: GeluOptions): Tensor {
  return callTensorOp("gelu", [input, options]);
}

/** x * sigmoid(x) */
export function silu(input: Tensor): Tensor {
  return callTensorOp("silu", [input]);
}

export interface SoftplusOptions {
  readonly beta?: number;
  /** Above beta * x > threshold the result is x itself. */
  readonly threshold?: number;
}

/** log(1 + exp(beta * x)) / beta */
export function softplus(input: Tensor, options?: SoftplusOptions): Tensor {
  return callTensorOp("softplus", [input, options]);
}

export interface EluOptions {
  readonly alpha?: number;
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(input: Tensor, options?: EluOptions): Tensor {
  return callTensorOp("elu", [input, options]);
}

/** x for x > 0, negativeSlope * x otherwise. */
export function leakyRelu(input: Tensor, negativeSlope?: number): Tensor {
  return callTensorOp("leaky_relu", [input, negativeSlope]);
}

/** clamp(x, minVal, maxVal) for float tensors. */
export function hardtanh(input: Tensor, minVal?: number, maxVal?: number): Tensor {
  return callTensorOp("hardtanh", [input, minVal, maxVal]);
}

export interface ClampOptions {
  readonly min?: Scalar | null;
  readonly max?: Scalar | null;
}

/** Limits every element to [min, max]; either bound may be null. `clamp(x, 0, 1)` or `clamp(x, { min: 0 })`. */
export function clamp(input: Tensor, options: ClampOptions): Tensor;
export function clamp(input: Tensor, min: Scalar | null, max?: Scalar | null): Tensor;
export function clamp(input: Tensor, ...args: unknown[]): Tensor {
  return callTensorOp("clamp", [input, ...args]);
}

/**
 * While training, zeroes each element with probability `p` (from the default
 * generator, see manualSeed) and scales the rest by 1 / (1 - p); otherwise returns `input`.
 */
export function dropout(input: Tensor, p?: number, training?: boolean): Tensor {
  return callTensorOp("dropout", [input, p, training]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** max(this, 0) */
    relu(): Tensor;
    /** Limits every element to [min, max]; either bound may be null. */
    clamp(options: ClampOptions): Tensor;
    clamp(min: Scalar | null, max?: Scalar | null): Tensor;
  }
}
