// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1008 5:13 object literals are not supported in @script code (only as the options object of an op call, e.g. conv2d(x, w, b, { stride: 2 })); use separate variables, or return a tuple [a, b].
export function f(x: Tensor): Tensor {
  const o = { a: x };
  return x;
}
