/** Layout and dtype conversion: contiguous, clone, to(dtype) and its shorthands. */
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { defineOp } from "./registry.js";

/** Exported for the composites that copy (reshape of a layout no view can take): see runNestedOp. */
export const toCopy = defineOp<[self: Tensor, dtype: DType | null]>({
  schema: "_to_copy(Tensor self, *, ScalarType? dtype=None) -> Tensor",
  kind: "kernel",
  infer: ([self, dtype]) => [{ shape: self.shape, dtype: dtype ?? self.dtype }],
  run: ([self], [out], backend) => backend.copy(self, out!),
});

defineOp<[self: Tensor]>({
  schema: "clone(Tensor self) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self]) => callTensorOp("_to_copy", [self]),
});

defineOp<[self: Tensor]>({
  schema: "contiguous(Tensor self) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self]) => (self.isContiguous() ? self : callTensorOp("_to_copy", [self])),
});

defineOp<[self: Tensor, dtype: DType, copy: boolean]>({
  schema: "to.dtype(Tensor self, ScalarType dtype, *, bool copy=False) -> Tensor",
  method: true,
  kind: "composite",
  compose: ([self, dtype, copy]) => (dtype === self.dtype && !copy ? self : callTensorOp("_to_copy", [self, { dtype }])),
});

for (const [name, dtype] of [["float", "float32"], ["int", "int32"], ["long", "int64"], ["bool", "bool"]] as const) {
  defineOp<[self: Tensor]>({
    schema: `tsjit::${name}(Tensor self) -> Tensor`,
    method: true,
    kind: "composite",
    compose: ([self]) => callTensorOp("to", [self, dtype]),
  });
}

export function contiguous(input: Tensor): Tensor {
  return callTensorOp("contiguous", [input]);
}

export function clone(input: Tensor): Tensor {
  return callTensorOp("clone", [input]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** This tensor if its elements are already in row-major order, else a row-major copy. */
    contiguous(): Tensor;
    /** A copy with its own storage. */
    clone(): Tensor;
    /** This tensor converted to `dtype` (itself when it already has that dtype, unless `copy`). */
    to(dtype: DType, options?: { copy?: boolean }): Tensor;
    /** `to("float32")` */
    float(): Tensor;
    /** `to("int32")` */
    int(): Tensor;
    /** `to("int64")` */
    long(): Tensor;
    /** `to("bool")` */
    bool(): Tensor;
  }
}
