/** Operands of elementwise ops: promotion roles, broadcast views, scalars as views. */
import { check } from "../errors.js";
import { castScalar, isIntegral, scalarDType, typedArrayFor, type DType, type PromotionOperand, type Scalar } from "../tensor/dtype.js";
import { broadcastStrides, sameShape, type Shape } from "../tensor/shape.js";
import { forEachOffset, Tensor, type StridedView } from "../tensor/Tensor.js";

export type Operand = Tensor | Scalar;

export function promotionOperand(x: Operand): PromotionOperand {
  if (x instanceof Tensor) return { dtype: x.dtype, kind: x.ndim === 0 ? "zeroDim" : "tensor" };
  return { dtype: scalarDType(x), kind: "scalar" };
}

export function shapeOf(x: Operand): Shape {
  return x instanceof Tensor ? x.shape : [];
}

/**
 * `x` read as a tensor of `shape` (broadcast dims get stride 0). A scalar becomes a
 * one-element view holding its value converted to `dtype`, the op's computation type.
 */
export function operandView(x: Operand, shape: Shape, dtype: DType): StridedView {
  if (x instanceof Tensor) {
    const strides = sameShape(x.shape, shape) ? x.strides : broadcastStrides(x.shape, x.strides, shape);
    return { storage: x.storage, shape, strides, offset: x.offset, dtype: x.dtype };
  }
  const storage = typedArrayFor(dtype, 1);
  storage[0] = castScalar(Number(x), dtype);
  return { storage, shape, strides: shape.map(() => 0), offset: 0, dtype };
}

function containsZero(x: Operand): boolean {
  if (!(x instanceof Tensor)) return Number(x) === 0;
  let found = false;
  forEachOffset(x, (offset) => {
    if (x.storage[offset] === 0) found = true;
  });
  return found;
}

/** PyTorch raises ZeroDivisionError for integer division (and remainder) by zero. */
export function checkIntegerDivisor(op: string, dtype: DType, divisor: Operand): void {
  if (!isIntegral(dtype, true)) return;
  check(!containsZero(divisor), op, () => `integer division by zero (the divisor of this ${dtype} ${op} contains 0; ZeroDivisionError in PyTorch)`);
}
