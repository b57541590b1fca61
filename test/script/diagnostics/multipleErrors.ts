// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1015 6:3 'console.log' is neither a tsjit op nor a compiled function or method; call a tsjit op (relu, matmul, ...), a function declared in your code, a script(function ...) function, or a method of this module.
// expect: TSJ1022 7:3 switch is not supported inside @script code; use if/else, for (let i = a; i < b; i++), for (const x of xs), or while.
export function f(x: Tensor, n: number): Tensor {
  console.log(n);
  switch (n) {
    default:
      return x;
  }
}
