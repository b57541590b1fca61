// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1011 5:7
export function f(x: Tensor, n: number): Tensor {
  if (typeof n === "number") return x;
  return x;
}
