/** Which tensor views a native kernel can take as they are, and how the strided ones are passed. */
import type { StridedView } from "../../tensor/Tensor.js";
import { isContiguousLayout, type Shape } from "../../tensor/shape.js";

/**
 * Below this many elements a native call's fixed cost (about half a microsecond)
 * exceeds the JS loop it replaces. SGEMM has no such floor: its fixtures are small,
 * and they should exercise the native path.
 */
export const NATIVE_ELEMENTWISE_MIN = 64;

/** The highest rank the strided entry points take (runtime/native/strided.h kMaxRank). */
export const NATIVE_MAX_RANK = 8;

/** A contiguous float32 view whose elements the native kernel can take as one span. */
export function isDenseF32(v: StridedView): v is StridedView & { storage: Float32Array } {
  return v.storage instanceof Float32Array && isContiguousLayout(v.shape, v.strides);
}

/** A view the strided entry points accept as their output: dense, row-major. */
export function isDense(v: StridedView): boolean {
  return isContiguousLayout(v.shape, v.strides);
}

/**
 * Writing out while reading an input that overlaps it at another offset (or with other
 * strides) would depend on the order elements are visited; only exact aliasing (in
 * place) is left to native.
 */
export function safeAlias(input: StridedView, out: StridedView): boolean {
  if (input.storage.buffer !== out.storage.buffer) return true;
  if (input.storage.byteOffset !== out.storage.byteOffset || input.offset !== out.offset) return false;
  return out.shape.every((size, d) => size === 1 || input.strides[d] === out.strides[d]);
}

const layouts: Int32Array[] = [];

/**
 * The layout argument of the strided entry points (runtime/native/strided-args.h):
 * [rank, shape, then per view: offset, strides], every view having `shape`. A reused
 * buffer, valid until the next call; null when the rank exceeds NATIVE_MAX_RANK or a
 * number does not fit an int32 (the caller then runs the JS kernel).
 */
export function stridedLayout(shape: Shape, views: readonly StridedView[]): Int32Array | null {
  const rank = shape.length;
  if (rank > NATIVE_MAX_RANK) return null;
  const length = 1 + rank + views.length * (1 + rank);
  const layout = (layouts[length] ??= new Int32Array(length));
  layout[0] = rank;
  let k = 1;
  for (let d = 0; d < rank; d++) layout[k++] = shape[d]!;
  for (const v of views) {
    layout[k++] = v.offset;
    if (layout[k - 1] !== v.offset) return null;
    for (let d = 0; d < rank; d++) {
      const s = v.strides[d]!;
      layout[k++] = s;
      if (layout[k - 1] !== s) return null;
    }
  }
  return layout;
}
