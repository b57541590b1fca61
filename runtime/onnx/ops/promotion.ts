/** Bringing two operands to one dtype before an ONNX op that requires it (ONNX never promotes). */
import type { DType } from "../../tensor/dtype.js";
import type { LoweredTensor } from "../lowered.js";
import type { NodeLowering } from "../NodeLowering.js";
import { onnxDataType } from "../OnnxGraphBuilder.js";

const ORDER: readonly DType[] = ["bool", "int32", "int64", "float32"];

export function castTo(n: NodeLowering, value: LoweredTensor, dtype: DType): LoweredTensor {
  return value.dtype === dtype ? value : n.op("Cast", [value], dtype, value.rank, { to: { int: onnxDataType(dtype) } });
}

/** Both operands cast to the wider of their dtypes (PyTorch's category order bool < int < float). */
export function promoted(n: NodeLowering, a: LoweredTensor, b: LoweredTensor): [LoweredTensor, LoweredTensor] {
  const dtype = ORDER.indexOf(a.dtype) >= ORDER.indexOf(b.dtype) ? a.dtype : b.dtype;
  return [castTo(n, a, dtype), castTo(n, b, dtype)];
}

/** A Scalar argument as a 0-d tensor of `like`'s dtype; an integer tensor with a fractional scalar becomes float32 first. */
export function withScalar(n: NodeLowering, like: LoweredTensor, value: number): [LoweredTensor, LoweredTensor] {
  const self = like.dtype !== "float32" && !Number.isInteger(value) ? castTo(n, like, "float32") : like;
  return [self, n.scalarLike(value, self)];
}

/** The rank of the broadcast of `operands`, when all their ranks are known. */
export function broadcastRank(...operands: readonly LoweredTensor[]): number | undefined {
  return operands.some((o) => o.rank === undefined) ? undefined : Math.max(...operands.map((o) => o.rank!));
}
