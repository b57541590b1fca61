// @ts-nocheck
import { Tensor } from "tsjit";
// expect: TSJ1023 5:7 'instanceof' is not supported inside @script code; rewrite it with locals, ops, if/else and loops (the subset in docs/language.md).
export function f(x: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  return x;
}
