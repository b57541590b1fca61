/** Linear, Identity. */
import { empty, linear } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { Module } from "../Module.js";
import { Parameter } from "../Parameter.js";
import { checkNonNegativeInt } from "./validate.js";

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  readonly bias?: boolean;
}

/** y = x Wᵀ + b, with W of shape [outFeatures, inFeatures]. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkNonNegativeInt("Linear", "in_features", inFeatures);
    checkNonNegativeInt("Linear", "out_features", outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(empty([outFeatures, inFeatures]));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outFeatures])) : null;
    this.resetParameters();
  }

  /** PyTorch's default: kaiming_uniform_(a=sqrt(5)) for the weight, U(±1/sqrt(fan_in)) for the bias. */
  resetParameters(): void {
    initLikeTorch(this.weight, this.bias, this.inFeatures);
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }
}

/** The shared Linear/Conv initialisation, given the weight's fan_in. */
export function initLikeTorch(weight: Tensor, bias: Tensor | null, fanIn: number): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

/** Returns its input unchanged; a placeholder in architectures. */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}
