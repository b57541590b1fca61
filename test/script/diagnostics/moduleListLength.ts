// @ts-nocheck
import { nn, type Tensor } from "tsjit";
export class Stack extends nn.Module {
  layers: nn.ModuleList;
  constructor(layers: nn.Module[]) {
    super();
    this.layers = new nn.ModuleList(layers);
  }
  forward(x: Tensor): Tensor {
    let y = x;
    // expect: TSJ1028 12:21 'this.layers' is iterated but its length is not known at build time; initialize the field with new nn.ModuleList([...]) listing the layers literally.
    for (const l of this.layers) y = l.forward(y);
    return y;
  }
}
