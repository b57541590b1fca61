/** MaxPool2d, AvgPool2d, AdaptiveAvgPool2d. */
import { fail } from "../../errors.js";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";
import { checkNonNegativeInt, checkPositiveInt, expandTuple } from "./validate.js";

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  readonly stride?: number | readonly number[] | null;
  readonly padding?: number | readonly number[];
  readonly dilation?: number | readonly number[];
  readonly ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly ceilMode: boolean;

  constructor(kernelSize: number | readonly number[], options: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = expandTuple("MaxPool2d", "kernel_size", kernelSize, 2, checkPositiveInt);
    this.stride = expandTuple("MaxPool2d", "stride", options.stride ?? this.kernelSize, 2, checkPositiveInt);
    this.padding = expandTuple("MaxPool2d", "padding", options.padding ?? 0, 2, checkNonNegativeInt);
    this.dilation = expandTuple("MaxPool2d", "dilation", options.dilation ?? 1, 2, checkPositiveInt);
    this.ceilMode = options.ceilMode ?? false;
  }

  override forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

export interface AvgPool2dOptions {
  /** Default: the kernel size. */
  readonly stride?: number | readonly number[] | null;
  readonly padding?: number | readonly number[];
  readonly ceilMode?: boolean;
  /** Count the zero padding in the averaging denominator (default true). */
  readonly countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  readonly divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: number | readonly number[], options: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = expandTuple("AvgPool2d", "kernel_size", kernelSize, 2, checkPositiveInt);
    this.stride = expandTuple("AvgPool2d", "stride", options.stride ?? this.kernelSize, 2, checkPositiveInt);
    this.padding = expandTuple("AvgPool2d", "padding", options.padding ?? 0, 2, checkNonNegativeInt);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
    if (this.divisorOverride !== null) checkPositiveInt("AvgPool2d", "divisor_override", this.divisorOverride);
  }

  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad, this.divisorOverride);
  }
}

/** Output size per spatial dim; null keeps the input's size there. */
export type AdaptiveOutputSize = number | readonly [number | null, number | null];

export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: AdaptiveOutputSize;

  constructor(outputSize: AdaptiveOutputSize) {
    super();
    const sizes = typeof outputSize === "number" ? [outputSize] : outputSize;
    if (sizes.length !== 1 && sizes.length !== 2) {
      fail("INVALID_ARGUMENT", `AdaptiveAvgPool2d: output_size must be an int or a pair, got [${sizes.join(", ")}]`);
    }
    for (const size of sizes) if (size !== null) checkNonNegativeInt("AdaptiveAvgPool2d", "output_size", size);
    this.outputSize = outputSize;
  }

  override forward(input: Tensor): Tensor {
    const [h, w] = typeof this.outputSize === "number" ? [this.outputSize, this.outputSize] : this.outputSize;
    return adaptiveAvgPool2d(input, [h ?? input.size(-2), w ?? input.size(-1)]);
  }
}
