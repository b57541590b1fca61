/**
 * Normalizations: softmax and log_softmax along a dim, and layer, batch and group
 * norm in torch.nn.functional's argument order. All need floating point inputs.
 */
import { check, formatShape } from "../errors.js";
import { isFloatingPoint, type DType } from "../tensor/dtype.js";
import { normalizeDim, sameShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/Tensor.js";
import { callTensorOp } from "./dispatch.js";
import { defineOp } from "./registry.js";

function checkFloating(op: string, tensor: Tensor | null, argName: string): void {
  if (!tensor) return;
  check(isFloatingPoint(tensor.dtype), op, () => `${argName} must be a floating point tensor, got ${tensor.dtype}`, "DTYPE_MISMATCH");
}

function checkParamShape(op: string, tensor: Tensor | null, argName: string, expected: readonly number[]): void {
  if (!tensor) return;
  check(
    sameShape(tensor.shape, expected),
    op,
    () => `${argName} must have shape ${formatShape(expected)}, got ${formatShape(tensor.shape)}`,
    "SHAPE_MISMATCH",
  );
  checkFloating(op, tensor, argName);
}

for (const [name, log] of [
  ["softmax", false],
  ["log_softmax", true],
] as const) {
  defineOp<[self: Tensor, dim: number, dtype: DType | null]>({
    schema: `${name}.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor`,
    method: true,
    kind: "kernel",
    infer: ([self, dim, dtype]) => {
      normalizeDim(name, dim, self.ndim);
      const result = dtype ?? self.dtype;
      check(isFloatingPoint(result), name, () => `input must be floating point (or pass a floating dtype), got ${self.dtype}`, "DTYPE_MISMATCH");
      return [{ shape: self.shape, dtype: result }];
    },
    run: ([self, dim], [out], backend) => backend.softmax(self, normalizeDim(name, dim, self.ndim), log, out!),
  });
}

type LayerNormArgs = [input: Tensor, normalizedShape: number[], weight: Tensor | null, bias: Tensor | null, eps: number];

defineOp<LayerNormArgs>({
  schema: "layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05) -> Tensor",
  kind: "kernel",
  infer: ([input, normalizedShape, weight, bias]) => {
    const k = normalizedShape.length;
    check(k > 0, "layer_norm", () => "normalized_shape must have at least one dim, got []");
    check(
      k <= input.ndim && sameShape(input.shape.slice(input.ndim - k), normalizedShape),
      "layer_norm",
      () =>
        `normalized_shape ${formatShape(normalizedShape)} must match the input's trailing dims: expected input of shape [*, ${normalizedShape.join(", ")}], got ${formatShape(input.shape)}`,
      "SHAPE_MISMATCH",
    );
    checkFloating("layer_norm", input, "input");
    checkParamShape("layer_norm", weight, "weight", normalizedShape);
    checkParamShape("layer_norm", bias, "bias", normalizedShape);
    return [{ shape: input.shape, dtype: input.dtype }];
  },
  run: ([input, normalizedShape, weight, bias, eps], [out], backend) => backend.layerNorm(input, normalizedShape.length, weight, bias, eps, out!),
});

type BatchNormArgs = [
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
];

defineOp<BatchNormArgs>({
  schema:
    "batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05) -> Tensor",
  kind: "kernel",
  infer: ([input, runningMean, runningVar, weight, bias, training]) => {
    check(input.ndim >= 2, "batch_norm", () => `input must have at least 2 dims [N, C, *], got shape ${formatShape(input.shape)}`, "SHAPE_MISMATCH");
    checkFloating("batch_norm", input, "input");
    const channels = input.shape[1]!;
    check(
      training || (runningMean !== null && runningVar !== null),
      "batch_norm",
      () => "running_mean and running_var must be given in evaluation mode (training=false)",
    );
    checkParamShape("batch_norm", runningMean, "running_mean", [channels]);
    checkParamShape("batch_norm", runningVar, "running_var", [channels]);
    checkParamShape("batch_norm", weight, "weight", [channels]);
    checkParamShape("batch_norm", bias, "bias", [channels]);
    if (training) {
      check(
        input.numel() / Math.max(channels, 1) > 1,
        "batch_norm",
        () => `expected more than 1 value per channel when training, got input of shape ${formatShape(input.shape)}`,
      );
    }
    return [{ shape: input.shape, dtype: input.dtype }];
  },
  run: ([input, runningMean, runningVar, weight, bias, training, momentum, eps], [out], backend) =>
    backend.batchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps, out!),
});

type GroupNormArgs = [input: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, eps: number];

defineOp<GroupNormArgs>({
  schema: "group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05) -> Tensor",
  kind: "kernel",
  infer: ([input, numGroups, weight, bias]) => {
    check(input.ndim >= 2, "group_norm", () => `input must have at least 2 dims [N, C, *], got shape ${formatShape(input.shape)}`, "SHAPE_MISMATCH");
    checkFloating("group_norm", input, "input");
    const channels = input.shape[1]!;
    check(numGroups > 0, "group_norm", () => `num_groups must be positive, got ${numGroups}`);
    check(
      channels % numGroups === 0,
      "group_norm",
      () => `the number of channels must be divisible by num_groups, got input of shape ${formatShape(input.shape)} (${channels} channels) and num_groups=${numGroups}`,
      "SHAPE_MISMATCH",
    );
    checkParamShape("group_norm", weight, "weight", [channels]);
    checkParamShape("group_norm", bias, "bias", [channels]);
    return [{ shape: input.shape, dtype: input.dtype }];
  },
  run: ([input, numGroups, weight, bias, eps], [out], backend) => backend.groupNorm(input, numGroups, weight, bias, eps, out!),
});

export interface SoftmaxOptions {
  /** Compute in and return this dtype (lets an integer input through). */
  readonly dtype?: DType;
}

/** exp(x) / Σ exp(x) along `dim`, stabilized by subtracting the maximum. */
export function softmax(input: Tensor, dim: number, options?: SoftmaxOptions): Tensor {
  return callTensorOp("softmax", [input, dim, options?.dtype ?? null]);
}

/** log(softmax(x)) along `dim`, computed as x - max - log Σ exp(x - max). */
export function logSoftmax(input: Tensor, dim: number, options?: SoftmaxOptions): Tensor {
  return callTensorOp("log_softmax", [input, dim, options?.dtype ?? null]);
}

/** Normalizes over the trailing dims `normalizedShape` (biased variance), then scales by weight and shifts by bias. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  return callTensorOp("layer_norm", [input, normalizedShape, weight, bias, eps]);
}

/**
 * torch.nn.functional.batch_norm: per-channel (dim 1) normalization. Eval mode uses
 * the running statistics; training mode uses the batch's and updates the running
 * buffers in place with `momentum`.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  training = false,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  return callTensorOp("batch_norm", [input, runningMean, runningVar, weight, bias, training, momentum, eps]);
}

/** Normalizes each sample over groups of C / numGroups channels, then applies per-channel weight and bias. */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  return callTensorOp("group_norm", [input, numGroups, weight, bias, eps]);
}

declare module "../tensor/Tensor.js" {
  interface Tensor {
    /** exp(x) / Σ exp(x) along `dim`, stabilized by subtracting the maximum. */
    softmax(dim: number, options?: SoftmaxOptions): Tensor;
    /** log(softmax(x)) along `dim`, computed stably. */
    logSoftmax(dim: number, options?: SoftmaxOptions): Tensor;
  }
}
