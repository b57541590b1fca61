import type { StridedView } from "../../tensor/Tensor.js";
import { isContiguousLayout, numelOf } from "../../tensor/shape.js";
import type { ElementwiseKernels } from "../elementwise.js";
import { BINARY_ROWS, mulInt32Row } from "./binaryRows.js";
import { pointwise } from "./pointwise.js";
import { forEachRow } from "./rows.js";
import { UNARY_ROWS } from "./unaryRows.js";

/** True when every view walks its storage densely in out's row-major order (one row covers all). */
function allContiguous(views: readonly StridedView[]): boolean {
  return views.every((v) => isContiguousLayout(v.shape, v.strides));
}

export const elementwiseKernels: ElementwiseKernels = {
  unary(op, x, out, params) {
    const row = UNARY_ROWS[op];
    if (allContiguous([x, out])) {
      row(x.storage, x.offset, 1, out.storage, out.offset, 1, numelOf(out.shape), params);
      return;
    }
    forEachRow(out.shape, [x, out], (offsets, strides, n) => {
      row(x.storage, offsets[0]!, strides[0]!, out.storage, offsets[1]!, strides[1]!, n, params);
    });
  },

  binary(op, a, b, out, alpha) {
    const row = op === "mul" && out.dtype === "int32" ? mulInt32Row : BINARY_ROWS[op];
    if (allContiguous([a, b, out])) {
      row(a.storage, a.offset, 1, b.storage, b.offset, 1, out.storage, out.offset, 1, numelOf(out.shape), alpha);
      return;
    }
    forEachRow(out.shape, [a, b, out], (offsets, strides, n) => {
      row(a.storage, offsets[0]!, strides[0]!, b.storage, offsets[1]!, strides[1]!, out.storage, offsets[2]!, strides[2]!, n, alpha);
    });
  },

  where(condition, a, b, out) {
    const c = condition.storage;
    const x = a.storage;
    const y = b.storage;
    const to = out.storage;
    forEachRow(out.shape, [condition, a, b, out], (offsets, strides, n) => {
      let ci = offsets[0]!;
      let i = offsets[1]!;
      let j = offsets[2]!;
      let o = offsets[3]!;
      const [cs, as, bs, os] = strides as [number, number, number, number];
      for (let k = 0; k < n; k++, ci += cs, i += as, j += bs, o += os) to[o] = c[ci] !== 0 ? x[i]! : y[j]!;
    });
  },
  pointwise,
};
