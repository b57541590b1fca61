// @ts-nocheck
import type { Tensor } from "tsjit";
declare function external(x: Tensor): Tensor;
// expect: TSJ1015 6:10 'external' is neither a tsjit op nor a compiled function or method; call a tsjit op (relu, matmul, ...), a function declared in your code, a script(function ...) function, or a method of this module.
export function f(x: Tensor): Tensor {
  return external(x);
}
