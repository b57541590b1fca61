// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1014 5:10 'f' calls itself (directly or through other functions); recursion is not supported by @script; rewrite the recursion as a loop.
export function f(x: Tensor): Tensor {
  return f(relu(x));
}
