// @ts-nocheck
import { mul, type Tensor } from "tsjit";
let k = 2;
// expect: TSJ1002 6:17
export function f(x: Tensor): Tensor {
  return mul(x, k);
}
