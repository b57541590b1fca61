// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1007 5:3 classes cannot be declared inside @script code; declare the class at module level; only its @script methods are compiled.
export function f(x: Tensor): Tensor {
  class Local {}
  return x;
}
