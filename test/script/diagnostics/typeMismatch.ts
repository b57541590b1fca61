// @ts-nocheck
import { zerosLike, type Tensor } from "tsjit";
// expect: TSJ1019 6:3 'y' is a number on one path and a Tensor on another; @script needs one type per variable; use the same type on both paths (e.g. zerosLike(x) instead of 0 for a Tensor).
export function f(x: Tensor, c: boolean): Tensor {
  let y: Tensor | number = x;
  if (c) {
    y = 0;
  }
  return zerosLike(x);
}
