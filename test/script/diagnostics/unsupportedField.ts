// @ts-nocheck
import { nn, mul, type Tensor } from "tsjit";
export class Lookup extends nn.Module {
  table = new Map<string, number>();
  forward(x: Tensor): Tensor {
    // expect: TSJ1017 7:19 'this.table' has type 'Map<string, number>', which @script cannot read; use a Tensor/Parameter, number, boolean or string field, or an nn.Module submodule.
    return mul(x, this.table.get("scale"));
  }
}
