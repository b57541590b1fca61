/**
 * Data types and PyTorch's type promotion for them.
 *
 * Note [int64 storage]: int64 tensors keep their values in a Float64Array. Every
 * integer up to 2^53 in magnitude is exact there, which covers every index and
 * count a model produces, and kernels stay plain number arithmetic instead of
 * BigInt. Reading an int64 value outside that range from a file is an error,
 * never a silent rounding (see nn/safetensors.ts).
 */
import { fail } from "../errors.js";

export type DType = "float32" | "int32" | "int64" | "bool";

export const DTYPES: readonly DType[] = ["bool", "int32", "int64", "float32"];

export type TypedArray = Float32Array | Int32Array | Float64Array | Uint8Array;

/** Sees every tensor storage allocation (bench/allocations.ts counts them); unset, it costs one check. */
export type StorageAllocationObserver = (dtype: DType, length: number) => void;

let allocationObserver: StorageAllocationObserver | undefined;

/** Installs `next` (or none) and returns the previous observer, for restoring. */
export function setStorageAllocationObserver(next: StorageAllocationObserver | undefined): StorageAllocationObserver | undefined {
  const previous = allocationObserver;
  allocationObserver = next;
  return previous;
}

/** A new zero-filled storage of `length` elements of `dtype`. */
export function typedArrayFor(dtype: DType, length: number): TypedArray {
  allocationObserver?.(dtype, length);
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "int32":
      return new Int32Array(length);
    case "int64":
      return new Float64Array(length);
    case "bool":
      return new Uint8Array(length);
  }
}

/** The bytes one element of each dtype takes in its storage (int64 in a Float64Array: Note [int64 storage]). */
export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, int32: 4, int64: 8, bool: 1 };

/** A new storage of `length` elements of `dtype` on `buffer`, whose bytes it keeps as they are. */
export function typedArrayOn(dtype: DType, buffer: ArrayBuffer, length: number): TypedArray {
  allocationObserver?.(dtype, length);
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, 0, length);
    case "int32":
      return new Int32Array(buffer, 0, length);
    case "int64":
      return new Float64Array(buffer, 0, length);
    case "bool":
      return new Uint8Array(buffer, 0, length);
  }
}

export function isDType(value: unknown): value is DType {
  return typeof value === "string" && (DTYPES as readonly string[]).includes(value);
}

export function isFloatingPoint(dtype: DType): boolean {
  return dtype === "float32";
}

export function isIntegral(dtype: DType, includeBool = false): boolean {
  return dtype === "int32" || dtype === "int64" || (includeBool && dtype === "bool");
}

/** bool < integer < floating: PyTorch promotes across categories before it compares widths. */
type Category = 0 | 1 | 2;

function category(dtype: DType): Category {
  return dtype === "bool" ? 0 : dtype === "float32" ? 2 : 1;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3 };

/** torch.promote_types for the dtypes tsjit supports. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** A JS number or boolean taking part in an op, as a Python scalar does in PyTorch. */
export type Scalar = number | boolean;

/** The dtype PyTorch gives a Python scalar when it stands alone. */
export function scalarDType(value: Scalar): DType {
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int64" : "float32";
}

/**
 * One operand of type promotion: a dimensioned tensor, a zero-dim tensor, or a scalar.
 * PyTorch's rule (torch.result_type): the highest category present wins; within the
 * winning category, dimensioned tensors outrank zero-dim tensors, which outrank scalars.
 * A scalar or zero-dim tensor of a higher category takes the default dtype of that
 * category (float32 for floats, int64 for integers).
 */
export interface PromotionOperand {
  readonly dtype: DType;
  readonly kind: "tensor" | "zeroDim" | "scalar";
}

export function resultType(operands: readonly PromotionOperand[]): DType {
  if (operands.length === 0) fail("INVALID_ARGUMENT", "resultType(): needs at least one operand");
  // The widest dtype of each kind; a plain loop, as every elementwise op calls this.
  let tensors: DType | undefined;
  let zeroDims: DType | undefined;
  let scalars: DType | undefined;
  for (const { kind, dtype } of operands) {
    if (kind === "tensor") tensors = tensors ? promoteTypes(tensors, dtype) : dtype;
    else if (kind === "zeroDim") zeroDims = zeroDims ? promoteTypes(zeroDims, dtype) : dtype;
    else scalars = scalars ? promoteTypes(scalars, dtype) : dtype;
  }
  let result: DType | undefined = tensors;
  for (const next of [zeroDims, scalars]) {
    if (next === undefined) continue;
    if (result === undefined) result = next;
    else if (category(next) > category(result)) result = category(next) === 2 ? "float32" : "int64";
  }
  return result!;
}

/** Converts a JS value to what a tensor of `dtype` stores. */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case "float32":
      return Math.fround(value);
    case "int32":
      return value | 0;
    case "int64":
      return Math.trunc(value);
    case "bool":
      return value !== 0 ? 1 : 0;
  }
}
