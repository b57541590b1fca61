/** Dropout: zeroes elements with probability p in train mode; the identity in eval mode. */
import { fail } from "../../errors.js";
import { dropout } from "../../ops/index.js";
import type { Tensor } from "../../tensor/Tensor.js";
import { Module } from "../Module.js";

export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) fail("INVALID_ARGUMENT", `Dropout: dropout probability has to be between 0 and 1, but got ${p}`);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }
}
