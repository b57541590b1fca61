// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1026 5:3 not every path of 'f' returns a value; end every path with return.
export function f(x: Tensor, c: boolean): Tensor {
  if (c) return x;
}
