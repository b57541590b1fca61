import type { StridedView } from "../tensor/Tensor.js";

/**
 * Kernels that read their input through index values or masks. Index views hold
 * int32 or int64 values the op has already range-checked against `src`.
 */
export interface IndexingKernels {
  /** `out.select(dim, k)` = `src.select(dim, index[k])` for each k of the 1-D `index`; out and src share a dtype. */
  indexSelect(src: StridedView, dim: number, index: StridedView, out: StridedView): void;
  /** `out[p]` = `src[p with p[dim] replaced by index[p]]` for each position p of `index`, which has out's shape. */
  gather(src: StridedView, dim: number, index: StridedView, out: StridedView): void;
  /**
   * Copies each matrix (the last two dims) of `src` into `out` keeping element (i, j) where
   * `j - i <= diagonal` (lower) or `j - i >= diagonal` (upper) and writing 0 elsewhere.
   */
  triangle(src: StridedView, out: StridedView, diagonal: number, upper: boolean): void;
}
