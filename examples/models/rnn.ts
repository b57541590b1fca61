/**
 * `rnn` from anchors/models.py: an Elman RNN written as an explicit loop,
 * h_t = tanh(x_t W_ihᵀ + h_{t-1} W_hhᵀ + b), h_0 = 0; returns h_T.
 */
import { add, empty, matmul, nn, script, tanh, zeros, type Tensor } from "tsjit";

export class ElmanRNN extends nn.Module {
  W_ih: nn.Parameter;
  W_hh: nn.Parameter;
  b: nn.Parameter;

  /** Initialised like nn.RNN: U(±1/sqrt(hiddenSize)). */
  constructor(inputSize = 64, hiddenSize = 256) {
    super();
    const k = 1 / Math.sqrt(hiddenSize);
    this.W_ih = new nn.Parameter(nn.init.uniform_(empty([hiddenSize, inputSize]), -k, k));
    this.W_hh = new nn.Parameter(nn.init.uniform_(empty([hiddenSize, hiddenSize]), -k, k));
    this.b = new nn.Parameter(nn.init.uniform_(empty([hiddenSize]), -k, k));
  }

  /** x: [T, B, inputSize] -> [B, hiddenSize] */
  @script
  override forward(x: Tensor): Tensor {
    let h = zeros([x.size(1), this.W_hh.size(0)]);
    for (let t = 0; t < x.size(0); t++) {
      h = tanh(add(add(matmul(x.select(0, t), this.W_ih.t()), matmul(h, this.W_hh.t())), this.b));
    }
    return h;
  }
}
