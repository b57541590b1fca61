// @ts-nocheck
import { nn, relu, type Tensor } from "tsjit";
export class Aliased extends nn.Module {
  forward(x: Tensor): Tensor {
    // expect: TSJ1032 6:18 'this' can only be used to read fields and call methods (this.fc.forward(x), this.helper(x)); read the field you need: this.weight, this.fc.
    const self = this;
    return relu(x);
  }
}
