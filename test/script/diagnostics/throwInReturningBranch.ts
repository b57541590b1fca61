// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1035 5:3 a branch that throws cannot be combined with a branch that returns here; move the check before: if (bad) throw new Error(...); then return.
export function f(x: Tensor, c: boolean): Tensor {
  if (c) return x;
  else throw new Error("no");
}
