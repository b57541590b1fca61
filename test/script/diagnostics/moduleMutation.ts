// @ts-nocheck
import { nn, mul, type Tensor } from "tsjit";
export class Counter extends nn.Module {
  calls = 0;
  forward(x: Tensor): Tensor {
    // expect: TSJ1016 7:5 assigning to module attribute 'this.calls' is not supported inside @script code; keep the value in a local variable, or return it.
    this.calls = this.calls + 1;
    return mul(x, this.calls);
  }
}
