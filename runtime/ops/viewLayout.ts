/** Layout arithmetic shared by the view ops: inferring a `-1` size, strides for a new shape, narrowing. */
import { check, fail, formatShape } from "../errors.js";
import { contiguousStrides, numelOf, sameShape, type Shape } from "../tensor/shape.js";
import { viewOf, type StridedView, type Tensor } from "../tensor/Tensor.js";

/**
 * `shape` with its one `-1` replaced so that it holds `numel` elements, as PyTorch's
 * infer_size. `source` describes where the elements come from, for error messages
 * (made only for one).
 */
export function inferSize(op: string, shape: readonly number[], numel: number, source: () => string): number[] {
  let inferred = -1;
  let known = 1;
  shape.forEach((size, i) => {
    if (size === -1) {
      check(inferred === -1, op, () => `only one dimension can be inferred, got shape ${formatShape(shape)}`);
      inferred = i;
    } else {
      check(size >= 0, op, () => `invalid shape dimension ${size} in ${formatShape(shape)}`);
      known *= size;
    }
  });
  const out = [...shape];
  if (inferred !== -1) {
    check(
      known !== 0,
      op,
      () => `cannot reshape a tensor of ${numel} elements into shape ${formatShape(shape)} because the unspecified dimension size -1 can be any value and is ambiguous`,
      "SHAPE_MISMATCH",
    );
    out[inferred] = numel / known;
  }
  if (numelOf(out) !== numel || !Number.isInteger(out[inferred] ?? 0)) {
    fail(
      "SHAPE_MISMATCH",
      `${op}(): shape ${formatShape(shape)} is invalid for ${source()} (the new shape holds ${inferred === -1 ? numelOf(out) : `a multiple of ${known}`} elements)`,
    );
  }
  return out;
}

/**
 * Strides that address the elements of (oldShape, oldStrides) in row-major order
 * with `newShape`, or undefined when some new dimension would have to span two
 * non-contiguous chunks of the old layout (then only a copy can be reshaped).
 * This is PyTorch's computeStride (aten/src/ATen/TensorUtils.cpp).
 */
export function viewStrides(oldShape: Shape, oldStrides: readonly number[], newShape: Shape): number[] | undefined {
  if (oldShape.length === 0) return newShape.map(() => 1);
  if (numelOf(oldShape) === 0) {
    if (sameShape(oldShape, newShape)) return [...oldStrides];
    // Sizes of 0 count as 1 so that no stride collapses to 0.
    return contiguousStrides(newShape.map((d) => Math.max(d, 1)));
  }
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD]!;
    const chunkEnds = tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride);
    if (!chunkEnds) continue;
    while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
      newStrides[viewD] = viewNumel * chunkBaseStride;
      viewNumel *= newShape[viewD]!;
      viewD--;
    }
    if (viewNumel !== tensorNumel) return undefined;
    if (tensorD > 0) {
      chunkBaseStride = oldStrides[tensorD - 1]!;
      tensorNumel = 1;
      viewNumel = 1;
    }
  }
  return viewD === -1 ? newStrides : undefined;
}

/** A view of `length` elements of `dim` from `start`; the caller has checked the bounds. */
export function narrowView(base: StridedView, dim: number, start: number, length: number): Tensor {
  const shape = [...base.shape];
  shape[dim] = length;
  return viewOf(base, shape, base.strides, base.offset + start * base.strides[dim]!);
}
