// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1014 5:10
export function f(x: Tensor): Tensor {
  return f(relu(x));
}
