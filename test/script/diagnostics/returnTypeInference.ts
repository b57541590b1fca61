// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1039 5:17 the return type of 'f' is inferred as 'Tensor | 0', which @script cannot represent; return one type on every path, and write it: function f(...): Tensor.
// expect: TSJ1019 6:3 'the result' is a Tensor on one path and a number on another; @script needs one type per variable; use the same type on both paths (e.g. zerosLike(x) instead of 0 for a Tensor).
export function f(x: Tensor, c: boolean) {
  if (c) return relu(x);
  return 0;
}
