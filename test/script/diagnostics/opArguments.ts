// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1020 5:10
export function f(x: Tensor): Tensor {
  return relu(x, 2 as never);
}
