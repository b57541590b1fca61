// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1038 5:7 '>' on a Tensor is not supported in @script code (JavaScript would compare the objects, not their values); compare its number, x.item() > 0.5, for a one-element Tensor, or call the elementwise op gt(x, 0.5) for a mask.
export function f(x: Tensor): Tensor {
  if (x > 0.5) return relu(x);
  return x;
}
