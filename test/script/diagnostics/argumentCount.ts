// @ts-nocheck
import { relu, type Tensor } from "tsjit";
export function helper(x: Tensor): Tensor {
  return relu(x);
}
// expect: TSJ1041 8:10 'helper' takes 1 argument, but is called with 2; pass one argument per parameter of 'helper' (parameters with a default or ? may be left out).
export function f(x: Tensor): Tensor {
  return helper(x, 2);
}
