// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1019 5:13 'the result' is a Tensor on one path and a number on another; @script needs one type per variable; use the same type on both paths (e.g. zerosLike(x) instead of 0 for a Tensor).
export function f(x: Tensor, c: boolean): Tensor {
  const y = c ? relu(x) : 0;
  return relu(x);
}
