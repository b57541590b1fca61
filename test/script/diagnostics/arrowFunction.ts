// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1001 5:13 Arrow functions, function expressions and nested function declarations are not supported inside @script code; write the helper as its own function declaration or script(function name(...) {...}) and call it, or inline the code.
export function f(x: Tensor): Tensor {
  const g = (t: Tensor) => relu(t);
  return x;
}
