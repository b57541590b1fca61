// @ts-nocheck
import { mul, type Tensor } from "tsjit";
// expect: TSJ1001 7:3 Arrow functions, function expressions and nested function declarations are not supported inside @script code; write the helper as its own function declaration or script(function name(...) {...}) and call it, or inline the code.
// expect: TSJ1002 8:19 'k' is declared outside this @script function, which cannot capture variables; pass 'k' as a parameter, or make it a module-level const with a literal value.
export function f(x: Tensor, k: number): Tensor {
  // A nested function would capture k: closures are not compiled.
  function scale(t: Tensor): Tensor {
    return mul(t, k);
  }
  return scale(x);
}
