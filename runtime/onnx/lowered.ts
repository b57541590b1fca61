/**
 * What an IR value becomes in the ONNX graph. Values known at export time stay
 * JavaScript constants until an ONNX op needs them as a tensor (most ints, lists and
 * strings of a frozen graph are attributes, never tensors); lists stay lists of
 * their items (a shape built from `x.size(0)` and constants, the pieces of `chunk`);
 * everything else is an ONNX value. The IR's int, float and bool computed at run time
 * are 0-d int64, float32 and bool tensors.
 */
import type { IRType } from "../ir/types.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";

export type ConstantValue = number | boolean | string | null | readonly number[] | Tensor;

export interface LoweredTensor {
  readonly kind: "tensor";
  readonly name: string;
  readonly dtype: DType;
  /** The number of dimensions when the exporter can tell it. */
  readonly rank: number | undefined;
}

export interface LoweredConstant {
  readonly kind: "constant";
  readonly value: ConstantValue;
  readonly type: IRType;
  /** For a tensor constant: its name in the graph (`fc.weight`), which its initializer takes. */
  readonly name?: string;
}

export interface LoweredList {
  readonly kind: "list";
  readonly items: readonly Lowered[];
}

export type Lowered = LoweredTensor | LoweredConstant | LoweredList;

export function loweredTensor(name: string, dtype: DType, rank: number | undefined): LoweredTensor {
  return { kind: "tensor", name, dtype, rank };
}

export function loweredConstant(value: ConstantValue, type: IRType, name?: string): LoweredConstant {
  return name === undefined ? { kind: "constant", value, type } : { kind: "constant", value, type, name };
}

/** The dtype of the 0-d tensor that stands for an IR scalar type. */
export function scalarDType(type: IRType): DType | undefined {
  switch (type.kind) {
    case "int":
      return "int64";
    case "float":
      return "float32";
    case "bool":
      return "bool";
    default:
      return undefined;
  }
}
