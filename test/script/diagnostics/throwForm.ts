// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1027 5:14
export function f(x: Tensor, n: number): Tensor {
  if (n < 0) throw x;
  return x;
}
