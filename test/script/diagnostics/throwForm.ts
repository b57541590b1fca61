// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1027 5:14 only throw new Error(message) with a string message is supported inside @script code; throw new Error("what went wrong").
export function f(x: Tensor, n: number): Tensor {
  if (n < 0) throw x;
  return x;
}
