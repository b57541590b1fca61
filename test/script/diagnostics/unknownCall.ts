// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1015 5:3
export function f(x: Tensor): Tensor {
  console.log(x);
  return x;
}
