/**
 * The six fixture networks (../shared/fixtures/models) written for @script: the same
 * classes and field names as examples/models/*.ts, so PyTorch's weights load into them,
 * with `forward` marked as a site (see test/script/frontend/models.test.ts).
 *
 * As in modules.ts, `/** @script *\/` stands for the `@script` decorator, which vitest
 * cannot run (Node 20 does not parse decorators): the frontend is handed the same method.
 * Differences from the eager examples, each because the @script subset has no form for it:
 * - attention: `.map((part) => ...)` over chunk's results (an arrow function) is written
 *   out per part, and `x.size() as [number, number, number]` is read with x.size(i);
 * - rnn: `zeros(shape, { dtype: x.dtype })` is `zeros(shape)` (`x.dtype` is not readable
 *   in @script code; the fixture is float32, the default).
 */
import { add, empty, flatten, gelu, matmul, maxPool2d, mul, nn, relu, softmax, tanh, zeros, zerosLike, type Tensor } from "tsjit";

export class Simple extends nn.Module {
  fc = new nn.Linear(10, 5);

  /** @script */
  override forward(x: Tensor): Tensor {
    return relu(this.fc.forward(x));
  }
}

export class ControlFlow extends nn.Module {
  fc1 = new nn.Linear(10, 5);
  fc2 = new nn.Linear(5, 1);

  /** @script */
  override forward(input: Tensor): Tensor {
    const x = relu(this.fc1.forward(input));
    if (x.mean().item() > 0.5) return this.fc2.forward(x);
    return zerosLike(this.fc2.forward(x));
  }
}

export class MLP extends nn.Module {
  fc1 = new nn.Linear(784, 512);
  fc2 = new nn.Linear(512, 512);
  fc3 = new nn.Linear(512, 10);

  /** @script */
  override forward(input: Tensor): Tensor {
    let x = relu(this.fc1.forward(input));
    x = relu(this.fc2.forward(x));
    return this.fc3.forward(x);
  }
}

export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, { stride: 1 });
  conv2 = new nn.Conv2d(32, 64, 3, { stride: 1 });
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);

  /** @script */
  override forward(input: Tensor): Tensor {
    let x = relu(this.conv1.forward(input));
    x = relu(this.conv2.forward(x));
    x = maxPool2d(x, 2);
    x = flatten(x, 1);
    x = relu(this.fc1.forward(x));
    return this.fc2.forward(x);
  }
}

export class ElmanRNN extends nn.Module {
  W_ih: nn.Parameter;
  W_hh: nn.Parameter;
  b: nn.Parameter;

  constructor(inputSize = 64, hiddenSize = 256) {
    super();
    const k = 1 / Math.sqrt(hiddenSize);
    this.W_ih = new nn.Parameter(nn.init.uniform_(empty([hiddenSize, inputSize]), -k, k));
    this.W_hh = new nn.Parameter(nn.init.uniform_(empty([hiddenSize, hiddenSize]), -k, k));
    this.b = new nn.Parameter(nn.init.uniform_(empty([hiddenSize]), -k, k));
  }

  /** @script x: [T, B, inputSize] -> [B, hiddenSize] */
  override forward(x: Tensor): Tensor {
    let h = zeros([x.size(1), this.W_hh.size(0)]);
    for (let t = 0; t < x.size(0); t++) {
      h = tanh(add(add(matmul(x.select(0, t), this.W_ih.t()), matmul(h, this.W_hh.t())), this.b));
    }
    return h;
  }
}

export class EncoderBlock extends nn.Module {
  readonly nHeads: number;
  readonly headDim: number;
  readonly scale: number;
  ln1: nn.LayerNorm;
  qkv: nn.Linear;
  proj: nn.Linear;
  ln2: nn.LayerNorm;
  fc1: nn.Linear;
  fc2: nn.Linear;

  constructor(dModel = 256, nHeads = 4, dFf = 1024) {
    super();
    this.nHeads = nHeads;
    this.headDim = dModel / nHeads;
    this.scale = 1 / Math.sqrt(this.headDim);
    this.ln1 = new nn.LayerNorm(dModel);
    this.qkv = new nn.Linear(dModel, 3 * dModel);
    this.proj = new nn.Linear(dModel, dModel);
    this.ln2 = new nn.LayerNorm(dModel);
    this.fc1 = new nn.Linear(dModel, dFf);
    this.fc2 = new nn.Linear(dFf, dModel);
  }

  /** @script x: [B, T, D] -> [B, T, D] */
  override forward(x: Tensor): Tensor {
    const B = x.size(0);
    const T = x.size(1);
    const D = x.size(2);
    const H = this.nHeads;
    const hd = this.headDim;
    const y = this.ln1.forward(x);
    const qkv = this.qkv.forward(y);
    const [q0, k0, v0] = qkv.chunk(3, -1);
    const q = q0.reshape(B, T, H, hd).transpose(1, 2);
    const k = k0.reshape(B, T, H, hd).transpose(1, 2);
    const v = v0.reshape(B, T, H, hd).transpose(1, 2);
    const att = softmax(mul(matmul(q, k.transpose(-2, -1)), this.scale), -1);
    const o = matmul(att, v).transpose(1, 2).reshape(B, T, D);
    const h = add(x, this.proj.forward(o));
    return add(h, this.fc2.forward(gelu(this.fc1.forward(this.ln2.forward(h)))));
  }
}
