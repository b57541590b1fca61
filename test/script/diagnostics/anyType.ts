// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1003 4:30
export function f(x: Tensor, y: any): Tensor {
  return x;
}
