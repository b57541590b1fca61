/** Flatten: a module over the flatten op. */
import { flatten } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";

/** Flattens dims startDim..endDim (default: all but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
}
