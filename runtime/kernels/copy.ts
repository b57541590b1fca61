import type { StridedView } from "../tensor/Tensor.js";

export interface CopyKernels {
  /**
   * out[i] = src[i] converted to out's dtype. `src` has out's shape; its strides may
   * be anything, including 0 (broadcast) and negative (flip).
   */
  copy(src: StridedView, out: StridedView): void;
  /** Every element of `out` becomes `value` (already representable in out's dtype). */
  fill(out: StridedView, value: number): void;
}
