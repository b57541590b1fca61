/** Conv1d, Conv2d. */
import { fail } from "../../errors.js";
import { conv1d, conv2d, empty } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";
import { Parameter } from "../Parameter.js";
import { initLikeTorch } from "./linear.js";
import { checkNonNegativeInt, checkPositiveInt, expandTuple } from "./validate.js";

export interface ConvOptions {
  readonly stride?: number | readonly number[];
  /** Zero padding on both sides of each spatial dim. */
  readonly padding?: number | readonly number[];
  readonly dilation?: number | readonly number[];
  readonly groups?: number;
  readonly bias?: boolean;
}

/** The convolution layers' shared state; `spatialDims` is 1 for Conv1d and 2 for Conv2d. */
abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(layer: string, spatialDims: number, inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvOptions) {
    super();
    checkPositiveInt(layer, "in_channels", inChannels);
    checkPositiveInt(layer, "out_channels", outChannels);
    const groups = options.groups ?? 1;
    checkPositiveInt(layer, "groups", groups);
    if (inChannels % groups !== 0) fail("INVALID_ARGUMENT", `${layer}: in_channels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) fail("INVALID_ARGUMENT", `${layer}: out_channels (${outChannels}) must be divisible by groups (${groups})`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.kernelSize = expandTuple(layer, "kernel_size", kernelSize, spatialDims, checkPositiveInt);
    this.stride = expandTuple(layer, "stride", options.stride ?? 1, spatialDims, checkPositiveInt);
    this.padding = expandTuple(layer, "padding", options.padding ?? 0, spatialDims, checkNonNegativeInt);
    this.dilation = expandTuple(layer, "dilation", options.dilation ?? 1, spatialDims, checkPositiveInt);
    this.weight = new Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outChannels])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, U(±1/sqrt(fan_in)) for the bias. */
  resetParameters(): void {
    const fanIn = (this.inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
    initLikeTorch(this.weight, this.bias, fanIn);
  }
}

/** 1-D convolution over [N, C, L] (or unbatched [C, L]) input. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvOptions = {}) {
    super("Conv1d", 1, inChannels, outChannels, kernelSize, options);
  }

  override forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** 2-D convolution over [N, C, H, W] (or unbatched [C, H, W]) input. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvOptions = {}) {
    super("Conv2d", 2, inChannels, outChannels, kernelSize, options);
  }

  override forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}
