/** Activation layers: thin modules over the functional ops. */
import { fail } from "../../errors.js";
import { gelu, leakyRelu, logSoftmax, relu, sigmoid, silu, softmax, tanh } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";

export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return relu(input);
  }
}

export interface GELUOptions {
  /** "none" is the exact erf form; "tanh" the tanh approximation. */
  readonly approximate?: "none" | "tanh";
}

export class GELU extends Module {
  readonly approximate: "none" | "tanh";

  constructor(options: GELUOptions = {}) {
    super();
    this.approximate = options.approximate ?? "none";
    if (this.approximate !== "none" && this.approximate !== "tanh") {
      fail("INVALID_ARGUMENT", `GELU: approximate must be "none" or "tanh", got "${String(this.approximate)}"`);
    }
  }

  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return silu(input);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope);
  }
}

/**
 * PyTorch's legacy choice when Softmax/LogSoftmax get no dim: dim 0 for 0-, 1- and
 * 3-dimensional input, dim 1 otherwise.
 */
function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

export class Softmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return softmax(input, this.dim ?? implicitSoftmaxDim(input.ndim));
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number | null = null) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim ?? implicitSoftmaxDim(input.ndim));
  }
}
