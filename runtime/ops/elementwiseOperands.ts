/** Operands of elementwise ops: promotion roles, broadcast views, scalars as views. */
import { check } from "../errors.js";
import { castScalar, isIntegral, scalarDType, typedArrayFor, type DType, type PromotionOperand, type Scalar, type TypedArray } from "../tensor/dtype.js";
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
  return { storage: scalarStorage(Number(x), dtype), shape, strides: shape.map(() => 0), offset: 0, dtype };
}

/** At most this many scalars are kept per dtype; then the cache starts again. */
const SCALAR_CACHE_SIZE = 256;
const scalarStorages = new Map<DType, Map<number | "-0", TypedArray>>();
/** Every storage scalarStorage made, cached or not any more: none is ever written. */
const madeScalarStorages = new WeakSet<TypedArray>();

/** Whether `storage` holds a scalar operand (operandView): read-only, its value fixed. */
export function isScalarOperandStorage(storage: TypedArray): boolean {
  return madeScalarStorages.has(storage);
}

/**
 * The one-element storage holding `value` as `dtype`, shared: kernels only read operand
 * views, so a model's constant scalars (`x * 0.125` in every forward) cost no allocation.
 */
function scalarStorage(value: number, dtype: DType): TypedArray {
  let byValue = scalarStorages.get(dtype);
  if (!byValue) scalarStorages.set(dtype, (byValue = new Map()));
  // Map keys compare -0 equal to 0; their storages must not be shared.
  const key = Object.is(value, -0) ? "-0" : value;
  let storage = byValue.get(key);
  if (!storage) {
    if (byValue.size >= SCALAR_CACHE_SIZE) byValue.clear();
    storage = typedArrayFor(dtype, 1);
    storage[0] = castScalar(value, dtype);
    byValue.set(key, storage);
    madeScalarStorages.add(storage);
  }
  return storage;
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
