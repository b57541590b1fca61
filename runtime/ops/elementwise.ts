/**
 * Binary elementwise ops with broadcasting and PyTorch type promotion: arithmetic,
 * comparisons, logical ops and where. Each takes a tensor or a JS number as `other`;
 * a number takes part in promotion as a Python scalar does (see dtype.ts).
 */
import { check, fail } from "../errors.js";
import type { BinaryKernelOp } from "../kernels/elementwise.js";
import { isIntegral, resultType, scalarDType, type DType, type Scalar } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import type { Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { checkIntegerDivisor, operandView, promotionOperand, shapeOf, type Operand } from "./elementwiseOperands.js";
import { defineOp, type TensorMeta } from "./registry.js";

/** What one call computes: the kernel op, the dtype operands are read as, the output dtype. */
interface BinaryPlan {
  readonly kernel: BinaryKernelOp;
  readonly compute: DType;
  readonly out: DType;
  readonly alpha: number;
}

type PlanArgs = [self: Operand, other: Operand, ...extra: unknown[]];

interface BinaryFamily {
  readonly name: string;
  /** PyTorch's name for the second operand (`other`, or `exponent` for pow). */
  readonly otherName?: string;
  /** Extra schema arguments after `other`, e.g. `*, Scalar alpha=1`. */
  readonly extra?: string;
  /** Whether a JS number may stand for `other` (and, for pow, for `self`). */
  readonly scalarOther?: boolean;
  readonly scalarSelf?: boolean;
  /** Chooses the kernel and dtypes from the promoted dtype; throws on unsupported combinations. */
  readonly plan: (args: PlanArgs, promoted: DType) => BinaryPlan;
  /** Checks that depend on the values (integer division by zero). */
  readonly validate?: (args: PlanArgs, plan: BinaryPlan) => void;
}

function planOf(family: BinaryFamily, args: PlanArgs): BinaryPlan {
  return family.plan(args, resultType([promotionOperand(args[0]), promotionOperand(args[1])]));
}

function inferBinary(family: BinaryFamily, args: PlanArgs): TensorMeta[] {
  const shape = broadcastShapes(family.name, shapeOf(args[0]), shapeOf(args[1]));
  const plan = planOf(family, args);
  family.validate?.(args, plan);
  return [{ shape, dtype: plan.out }];
}

function defineBinary(family: BinaryFamily): void {
  const extra = family.extra ? `, ${family.extra}` : "";
  const overloads: [string, string, string][] = [["Tensor", "Tensor", "Tensor"]];
  if (family.scalarOther) overloads.push(["Scalar", "Tensor", "Scalar"]);
  if (family.scalarSelf) overloads.push(["Scalar_Tensor", "Scalar", "Tensor"]);
  for (const [overload, selfType, otherType] of overloads) {
    defineOp<PlanArgs>({
      schema: `${family.name}.${overload}(${selfType} self, ${otherType} ${family.otherName ?? "other"}${extra}) -> Tensor`,
      method: selfType === "Tensor",
      kind: "kernel",
      infer: (args) => inferBinary(family, args),
      run: (args, [out], backend) => {
        const plan = planOf(family, args);
        const a = operandView(args[0], out!.shape, plan.compute);
        const b = operandView(args[1], out!.shape, plan.compute);
        backend.binary(plan.kernel, a, b, out!, plan.alpha);
      },
    });
  }
}

function checkAlpha(op: string, alpha: Scalar, promoted: DType): number {
  if (promoted === "bool") {
    check(alpha === true || alpha === 1, op, () => `for bool tensors, alpha must be true (1), got ${alpha}`);
  } else if (isIntegral(promoted)) {
    check(scalarDType(alpha) !== "float32", op, () => `for integral input tensors (${promoted}), alpha must not be a floating point number, got ${alpha}`);
  }
  return Number(alpha);
}

defineBinary({
  name: "add",
  extra: "*, Scalar alpha=1",
  scalarOther: true,
  plan: ([, , alpha], promoted) => {
    const a = checkAlpha("add", alpha as Scalar, promoted);
    // bool + bool is logical or in PyTorch (the sum would not fit in a bool).
    if (promoted === "bool") return { kernel: "logical_or", compute: "bool", out: "bool", alpha: 1 };
    return { kernel: "add", compute: promoted, out: promoted, alpha: a };
  },
});

defineBinary({
  name: "sub",
  extra: "*, Scalar alpha=1",
  scalarOther: true,
  plan: ([self, other, alpha], promoted) => {
    check(promoted !== "bool", "sub", () => `subtraction of bool operands (${describe(self)} - ${describe(other)}) is not supported; use logicalXor or logicalNot`, "DTYPE_MISMATCH");
    return { kernel: "sub", compute: promoted, out: promoted, alpha: checkAlpha("sub", alpha as Scalar, promoted) };
  },
});

function describe(x: Operand): string {
  return typeof x === "object" ? `${x.dtype} tensor` : `${scalarDType(x)} scalar`;
}

function plainPlan(kernel: BinaryKernelOp) {
  return (_args: PlanArgs, promoted: DType): BinaryPlan => ({ kernel, compute: promoted, out: promoted, alpha: 1 });
}

defineBinary({ name: "mul", scalarOther: true, plan: plainPlan("mul") });
defineBinary({ name: "maximum", plan: plainPlan("maximum") });
defineBinary({ name: "minimum", plan: plainPlan("minimum") });

defineBinary({
  name: "remainder",
  scalarOther: true,
  plan: plainPlan("remainder"),
  validate: ([, other], plan) => checkIntegerDivisor("remainder", plan.compute, other),
});

const ROUNDING_KERNELS: Record<string, BinaryKernelOp> = { trunc: "div_trunc", floor: "div_floor" };

defineBinary({
  name: "div",
  extra: "*, str? rounding_mode=None",
  scalarOther: true,
  plan: ([, , mode], promoted) => {
    if (mode === null) return { kernel: "div", compute: promoted, out: isIntegral(promoted, true) ? "float32" : promoted, alpha: 1 };
    const kernel = ROUNDING_KERNELS[mode as string];
    if (!kernel) fail("INVALID_ARGUMENT", `div(): rounding_mode must be "trunc", "floor" or null, got ${JSON.stringify(mode)}`);
    return { kernel, compute: promoted, out: promoted, alpha: 1 };
  },
  validate: ([, other, mode], plan) => {
    if (mode !== null) checkIntegerDivisor("div", plan.compute, other);
  },
});

defineBinary({
  name: "pow",
  otherName: "exponent",
  scalarOther: true,
  scalarSelf: true,
  plan: plainPlan("pow"),
  validate: ([self, other], plan) => {
    const negativeIntExponent = typeof other === "number" && Number.isInteger(other) && other < 0;
    check(
      !(isIntegral(plan.compute, true) && negativeIntExponent),
      "pow",
      () => `integers to negative integer powers are not allowed (base ${describe(self)}, exponent ${other as number})`,
    );
  },
});

const COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge"] as const;

for (const name of COMPARISONS) {
  defineBinary({ name, scalarOther: true, plan: (_args, promoted) => ({ kernel: name, compute: promoted, out: "bool", alpha: 1 }) });
}

for (const name of ["logical_and", "logical_or"] as const) {
  defineBinary({ name, plan: (_args, promoted) => ({ kernel: name, compute: promoted, out: "bool", alpha: 1 }) });
}

type WhereArgs = [condition: Tensor, self: Operand, other: Operand];

const WHERE_OVERLOADS = [
  ["self", "Tensor", "Tensor"],
  ["ScalarOther", "Tensor", "Scalar"],
  ["ScalarSelf", "Scalar", "Tensor"],
  ["Scalar", "Scalar", "Scalar"],
] as const;

for (const [overload, selfType, otherType] of WHERE_OVERLOADS) {
  defineOp<WhereArgs>({
    schema: `where.${overload}(Tensor condition, ${selfType} self, ${otherType} other) -> Tensor`,
    kind: "kernel",
    infer: ([condition, self, other]) => {
      check(condition.dtype === "bool", "where", () => `condition must be a bool tensor, got ${condition.dtype} (shape [${condition.shape.join(", ")}])`, "DTYPE_MISMATCH");
      const shape = broadcastShapes("where", condition.shape, shapeOf(self), shapeOf(other));
      return [{ shape, dtype: resultType([promotionOperand(self), promotionOperand(other)]) }];
    },
    run: ([condition, self, other], [out], backend) => {
      const shape = out!.shape;
      backend.where(operandView(condition, shape, "bool"), operandView(self, shape, out!.dtype), operandView(other, shape, out!.dtype), out!);
    },
  });
}

export interface AlphaOptions {
  readonly alpha?: Scalar;
}

export interface DivOptions {
  /** null: true division (always floating point); "trunc" / "floor": rounded quotient in the promoted dtype. */
  readonly roundingMode?: "trunc" | "floor" | null;
}

/** input + alpha * other, broadcasting and promoting as torch.add. */
export function add(input: Tensor, other: Tensor | Scalar, options?: AlphaOptions): Tensor {
  return callTensorOp("add", [input, other, options]);
}

/** input - alpha * other. */
export function sub(input: Tensor, other: Tensor | Scalar, options?: AlphaOptions): Tensor {
  return callTensorOp("sub", [input, other, options]);
}

export function mul(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("mul", [input, other]);
}

/** True division (float32 even for integer inputs) unless a rounding mode is given. */
export function div(input: Tensor, other: Tensor | Scalar, options?: DivOptions): Tensor {
  return callTensorOp("div", [input, other, options]);
}

export function pow(input: Tensor | Scalar, exponent: Tensor | Scalar): Tensor {
  return callTensorOp("pow", [input, exponent]);
}

/** Elementwise maximum; NaN wins, as in torch.maximum. */
export function maximum(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("maximum", [input, other]);
}

/** Elementwise minimum; NaN wins, as in torch.minimum. */
export function minimum(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("minimum", [input, other]);
}

/** Python-style modulo: the result has the sign of `other`. */
export function remainder(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("remainder", [input, other]);
}

export function eq(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("eq", [input, other]);
}

export function ne(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("ne", [input, other]);
}

export function lt(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("lt", [input, other]);
}

export function le(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("le", [input, other]);
}

export function gt(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("gt", [input, other]);
}

export function ge(input: Tensor, other: Tensor | Scalar): Tensor {
  return callTensorOp("ge", [input, other]);
}

export function logicalAnd(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("logical_and", [input, other]);
}

export function logicalOr(input: Tensor, other: Tensor): Tensor {
  return callTensorOp("logical_or", [input, other]);
}

/** condition ? input : other, elementwise with broadcasting; `condition` must be bool. */
export function where(condition: Tensor, input: Tensor | Scalar, other: Tensor | Scalar): Tensor {
  return callTensorOp("where", [condition, input, other]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** this + alpha * other */
    add(other: Tensor | Scalar, options?: AlphaOptions): Tensor;
    /** this - alpha * other */
    sub(other: Tensor | Scalar, options?: AlphaOptions): Tensor;
    /** this * other */
    mul(other: Tensor | Scalar): Tensor;
    /** this / other (true division unless a rounding mode is given) */
    div(other: Tensor | Scalar, options?: DivOptions): Tensor;
    /** this ** exponent */
    pow(exponent: Tensor | Scalar): Tensor;
    /** Elementwise maximum with `other`. */
    maximum(other: Tensor): Tensor;
    /** Elementwise minimum with `other`. */
    minimum(other: Tensor): Tensor;
    /** Python-style modulo (sign of `other`). */
    remainder(other: Tensor | Scalar): Tensor;
    /** this == other, as a bool tensor. */
    eq(other: Tensor | Scalar): Tensor;
    /** this != other, as a bool tensor. */
    ne(other: Tensor | Scalar): Tensor;
    /** this < other, as a bool tensor. */
    lt(other: Tensor | Scalar): Tensor;
    /** this <= other, as a bool tensor. */
    le(other: Tensor | Scalar): Tensor;
    /** this > other, as a bool tensor. */
    gt(other: Tensor | Scalar): Tensor;
    /** this >= other, as a bool tensor. */
    ge(other: Tensor | Scalar): Tensor;
    /** Elementwise logical and (nonzero is true), as a bool tensor. */
    logicalAnd(other: Tensor): Tensor;
    /** Elementwise logical or (nonzero is true), as a bool tensor. */
    logicalOr(other: Tensor): Tensor;
  }
}
