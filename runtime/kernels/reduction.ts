/**
 * Reductions and normalizations.
 *
 * Note [keepdim layout]: every reducing kernel takes its output in the keepdim
 * layout: the input's rank, with size 1 at each reduced dim. A caller that drops
 * the reduced dims views its output that way first (any stride works for a size-1
 * dim). `dims` are sorted, unique and non-negative; an empty `dims` reduces nothing.
 */
import type { StridedView } from "../tensor/Tensor.js";

/** Reductions whose result per output element depends only on the reduced values. */
export type ReduceOp = "sum" | "prod" | "mean" | "amax" | "amin" | "all" | "any";

export interface ReductionKernels {
  /**
   * out = op over `dims` of input (keepdim layout). Accumulates in doubles.
   * An empty reduction gives sum 0, prod 1, mean nan, all true, any false, amax -inf, amin inf.
   * NaN propagates through amax/amin.
   */
  reduce(op: ReduceOp, input: StridedView, dims: readonly number[], out: StridedView): void;
  /**
   * indices = position of the max (or min) over `dims`, flattened row-major over the
   * reduced dims; the first one wins ties, and a NaN wins over every number.
   * `values`, when given, receives the extreme values. Every reduced dim is non-empty.
   */
  argReduce(op: "max" | "min", input: StridedView, dims: readonly number[], values: StridedView | null, indices: StridedView): void;
  /** out = Σ(x - mean)² / max(0, N - correction) over `dims`, or its square root when `sqrt`. */
  variance(input: StridedView, dims: readonly number[], correction: number, sqrt: boolean, out: StridedView): void;
  /** out = log Σ exp(x) over `dims`, shifted by the finite maximum for stability. */
  logsumexp(input: StridedView, dims: readonly number[], out: StridedView): void;
  /** Running sum along `dim`; out has input's shape. */
  cumsum(input: StridedView, dim: number, out: StridedView): void;
  /** Softmax (or log-softmax when `log`) along `dim`, stabilized by the maximum; out has input's shape. */
  softmax(input: StridedView, dim: number, log: boolean, out: StridedView): void;
  /**
   * Normalizes over the last `normalizedRank` dims with the biased variance, then
   * applies weight and bias (shaped like those dims) when given.
   */
  layerNorm(input: StridedView, normalizedRank: number, weight: StridedView | null, bias: StridedView | null, eps: number, out: StridedView): void;
  /**
   * Per-channel (dim 1) normalization. Eval mode uses the running statistics; training
   * mode uses the batch's (biased variance) and, when the running buffers are given,
   * updates them in place: r = (1 - momentum) r + momentum batch, with the unbiased
   * batch variance for running_var.
   */
  batchNorm(
    input: StridedView,
    runningMean: StridedView | null,
    runningVar: StridedView | null,
    weight: StridedView | null,
    bias: StridedView | null,
    training: boolean,
    momentum: number,
    eps: number,
    out: StridedView,
  ): void;
  /** Normalizes each of `numGroups` channel groups (dim 1 split evenly) per sample, then applies per-channel weight and bias. */
  groupNorm(input: StridedView, numGroups: number, weight: StridedView | null, bias: StridedView | null, eps: number, out: StridedView): void;
}
