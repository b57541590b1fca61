/** `attention` from anchors/models.py: one pre-LN transformer encoder block with attention written out. */
import { add, gelu, matmul, mul, nn, script, softmax, type Tensor } from "tsjit";

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

  /** x: [B, T, D] -> [B, T, D] */
  @script
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
