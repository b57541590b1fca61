// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1015 5:3 'console.log' is neither a tsjit op nor a compiled function or method; call a tsjit op (relu, matmul, ...), a function declared in your code, a script(function ...) function, or a method of this module.
export function f(x: Tensor): Tensor {
  console.log(x);
  return x;
}
