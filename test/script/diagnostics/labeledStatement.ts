// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1013 5:3 labels and labeled break/continue are not supported inside @script code; use a boolean flag to leave the outer loop.
export function f(x: Tensor): Tensor {
  outer: for (let i = 0; i < 3; i++) {
    break outer;
  }
  return x;
}
