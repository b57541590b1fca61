/** BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm. */
import { fail, formatShape } from "../../errors.js";
import { batchNorm, groupNorm, layerNorm, ones, zeros } from "../../ops/index.js";
import { scalarTensor, type Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";
import { Parameter } from "../Parameter.js";
import { checkNonNegativeInt, checkPositiveInt } from "./validate.js";

export interface BatchNormOptions {
  readonly eps?: number;
  /** Weight of the new batch statistic in the running average; null gives a cumulative average. Default 0.1. */
  readonly momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  readonly affine?: boolean;
  /** Keep running mean/variance for eval mode (default true). */
  readonly trackRunningStats?: boolean;
}

/** Buffers running_mean, running_var and num_batches_tracked (int64, 0-dim) when tracking running stats. */
abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(
    private readonly layer: string,
    private readonly inputRanks: readonly number[],
    numFeatures: number,
    options: BatchNormOptions,
  ) {
    super();
    checkPositiveInt(layer, "num_features", numFeatures);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    const tracking = this.trackRunningStats;
    this.registerBuffer("running_mean", tracking ? zeros([numFeatures]) : null);
    this.registerBuffer("running_var", tracking ? ones([numFeatures]) : null);
    this.registerBuffer("num_batches_tracked", tracking ? scalarTensor(0, "int64") : null);
  }

  get runningMean(): Tensor | null {
    return this.getBuffer("running_mean");
  }

  get runningVar(): Tensor | null {
    return this.getBuffer("running_var");
  }

  get numBatchesTracked(): Tensor | null {
    return this.getBuffer("num_batches_tracked");
  }

  /** Training uses (and folds into the running stats) the batch statistics; eval uses the running stats. */
  override forward(input: Tensor): Tensor {
    if (!this.inputRanks.includes(input.ndim)) {
      const expected = this.inputRanks.map((r) => `${r}D`).join(" or ");
      fail("SHAPE_MISMATCH", `${this.layer}: expected ${expected} input (got ${input.ndim}D input of shape ${formatShape(input.shape)})`);
    }
    let averagingFactor = this.momentum ?? 0;
    const counter = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && counter !== null) {
      counter.storage[counter.offset]! += 1;
      if (this.momentum === null) averagingFactor = 1 / counter.item();
    }
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(
      input,
      useRunning ? this.runningMean : null,
      useRunning ? this.runningVar : null,
      this.weight,
      this.bias,
      useBatchStats,
      averagingFactor,
      this.eps,
    );
  }
}

/** Batch normalization over [N, C] or [N, C, L] input, per channel C. */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm1d", [2, 3], numFeatures, options);
  }
}

/** Batch normalization over [N, C, H, W] input, per channel C. */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super("BatchNorm2d", [4], numFeatures, options);
  }
}

export interface LayerNormOptions {
  readonly eps?: number;
  /** Learn a scale (and, unless `bias` is false, a shift) of shape normalizedShape (default true). */
  readonly elementwiseAffine?: boolean;
  readonly bias?: boolean;
}

/** Normalizes over the trailing dims given by `normalizedShape`. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    for (const size of this.normalizedShape) checkNonNegativeInt("LayerNorm", "normalized_shape", size);
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = this.elementwiseAffine && (options.bias ?? true) ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  override forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

export interface GroupNormOptions {
  readonly eps?: number;
  /** Learn a per-channel scale and shift (default true). */
  readonly affine?: boolean;
}

/** Normalizes [N, C, ...] input over groups of C / numGroups channels. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormOptions = {}) {
    super();
    checkPositiveInt("GroupNorm", "num_groups", numGroups);
    checkPositiveInt("GroupNorm", "num_channels", numChannels);
    if (numChannels % numGroups !== 0) {
      fail("INVALID_ARGUMENT", `GroupNorm: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    }
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.weight = this.affine ? new Parameter(ones([numChannels])) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels])) : null;
  }

  override forward(input: Tensor): Tensor {
    return groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }
}
