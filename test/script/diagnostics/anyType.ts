// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1003 4:30 'y' has type 'any', which @script cannot compile; annotate it with Tensor, number, boolean, string, an array or tuple of those, or T | null.
export function f(x: Tensor, y: any): Tensor {
  return x;
}
