// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1029 5:7 a condition must be a boolean or a one-element Tensor, got a string; compare explicitly (n !== 0, x.item() > 0).
export function f(x: Tensor, s: string): Tensor {
  if (s) return x;
  return x;
}
