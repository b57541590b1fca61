/** nn.Parameter: a Tensor that a Module registers as one of its learnable weights. */
import { Tensor } from "../tensor/Tensor.js";

export class Parameter extends Tensor {
  /** Whether an optimizer would train it. tsjit has no autograd yet; the flag is kept for parity and export. */
  requiresGrad: boolean;

  /** Wraps `data` without copying: the parameter shares its storage, as torch.nn.Parameter does. */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    this.requiresGrad = requiresGrad;
  }
}
