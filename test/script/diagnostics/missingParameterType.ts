// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1018 4:30
export function f(x: Tensor, n): Tensor {
  return x;
}
