// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1013 5:3
export function f(x: Tensor): Tensor {
  outer: for (let i = 0; i < 3; i++) {
    break outer;
  }
  return x;
}
