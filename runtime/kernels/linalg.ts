/**
 * Matrix products, convolution and pooling kernels (float32 only).
 *
 * Every operand is a StridedView, so transposed, sliced and broadcast (stride 0)
 * inputs are read in place. Outputs are the caller-allocated contiguous tensors
 * (or views that address them with the same layout, e.g. with a size-1 dim added).
 */
import type { StridedView } from "../tensor/Tensor.js";

/** The activations a matrix product can apply as it stores its result (UnaryKernelOps without parameters). */
export const EPILOGUE_ACTIVATIONS = ["relu", "tanh", "sigmoid", "gelu", "gelu_tanh", "silu"] as const;
export type EpilogueActivation = (typeof EPILOGUE_ACTIVATIONS)[number];

/** One layer of a pair (tsjit::linear_act_linear): weight [out, in] as linear holds it, bias a 1-D [out] view or null, activation null for none. */
export interface LinearLayer {
  readonly weight: StridedView;
  readonly bias: StridedView | null;
  readonly activation: EpilogueActivation | null;
}

export interface Conv2dParams {
  readonly strideH: number;
  readonly strideW: number;
  /** Zero padding before the first row / column; the padding after follows from out's size. */
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly groups: number;
  /** Applied to the result as it is written (tsjit::conv2d_act), if given. */
  readonly activation?: EpilogueActivation;
}

export interface Pool2dParams {
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
}

export interface MaxPool2dParams extends Pool2dParams {
  readonly dilationH: number;
  readonly dilationW: number;
}

export interface AvgPool2dParams extends Pool2dParams {
  /** Divide by the window size including padded cells (PyTorch's count_include_pad). */
  readonly countIncludePad: boolean;
  /** A fixed divisor instead of the window size; 0 for none. */
  readonly divisorOverride: number;
}

export interface LinalgKernels {
  /**
   * out = alpha * (a @ b) + beta * out, batched: a is [...batch, M, K], b is
   * [...batch, K, N], out is [...batch, M, N], all with the same batch shape (a
   * broadcast batch dim has stride 0). With beta = 0, out is only written (BLAS rule:
   * NaN or garbage in out does not leak through).
   */
  matmul(a: StridedView, b: StridedView, out: StridedView, alpha: number, beta: number): void;
  /**
   * out = activation(a @ b + beta * out + bias) for 2-D a [M, K], b [K, N] and out
   * [M, N] with contiguous columns: linear's product. bias: a 1-D [N] view added to
   * every row, or null; activation: null for none. beta 0 only writes out. The native
   * backend adds the bias as the microkernel stores the product and applies the
   * activation to each tile of out while it is in L1, so out is written once.
   */
  matmulFused(a: StridedView, b: StridedView, out: StridedView, beta: number, bias: StridedView | null, activation: EpilogueActivation | null): void;
  /**
   * Two linear layers in a row for 2-D a [M, K]: hidden [M, H] = first(a), out [M, N] =
   * second(hidden), hidden and out contiguous. The native backend runs a one-row pair of
   * constant weights in one pass over both (Note [Linear pairs by hidden blocks] in
   * runtime/native/linear-pair.cc).
   */
  linearPair(a: StridedView, first: LinearLayer, second: LinearLayer, hidden: StridedView, out: StridedView): void;
  /**
   * 2-D cross-correlation as PyTorch's conv2d: input [N, C, H, W], weight
   * [O, C / groups, KH, KW], bias [O] or null, out [N, O, OH, OW].
   */
  conv2d(input: StridedView, weight: StridedView, bias: StridedView | null, out: StridedView, params: Conv2dParams): void;
  /**
   * max_pool2d over 2x2 windows, stride 2, of conv2d with params.activation
   * (tsjit::conv2d_act_max_pool2x2): out is [N, O, floor(OH / 2), floor(OW / 2)] for the
   * convolution's [OH, OW] = convSize. The native backend pools each image's
   * convolution while it is in cache, so the pre-pool tensor is never written out.
   */
  conv2dMaxPool2x2(
    input: StridedView,
    weight: StridedView,
    bias: StridedView | null,
    out: StridedView,
    params: Conv2dParams,
    convSize: readonly [number, number],
  ): void;
  /** input [N, C, H, W] -> out [N, C, OH, OW]; padded cells never win (they are -inf). */
  maxPool2d(input: StridedView, out: StridedView, params: MaxPool2dParams): void;
  /** input [N, C, H, W] -> out [N, C, OH, OW]. */
  avgPool2d(input: StridedView, out: StridedView, params: AvgPool2dParams): void;
  /** input [N, C, H, W] -> out [N, C, OH, OW], windows [floor(i*H/OH), ceil((i+1)*H/OH)). */
  adaptiveAvgPool2d(input: StridedView, out: StridedView): void;
}
