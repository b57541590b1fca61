/** Which tensor views a native kernel can take as they are. */
import type { StridedView } from "../../tensor/Tensor.js";
import { isContiguousLayout } from "../../tensor/shape.js";

/**
 * Below this many elements a native call's fixed cost (about half a microsecond)
 * exceeds the JS loop it replaces. SGEMM has no such floor: its fixtures are small,
 * and they should exercise the native path.
 */
export const NATIVE_ELEMENTWISE_MIN = 64;

/** A contiguous float32 view whose elements the native kernel can take as one span. */
export function isDenseF32(v: StridedView): v is StridedView & { storage: Float32Array } {
  return v.storage instanceof Float32Array && isContiguousLayout(v.shape, v.strides);
}

/**
 * Writing out while reading an input that overlaps it at another offset would depend
 * on the order elements are visited; only exact aliasing (in place) is left to native.
 */
export function safeAlias(input: StridedView, out: StridedView): boolean {
  return input.storage.buffer !== out.storage.buffer || (input.storage.byteOffset === out.storage.byteOffset && input.offset === out.offset);
}
