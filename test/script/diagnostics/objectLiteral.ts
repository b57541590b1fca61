// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1008 5:13
export function f(x: Tensor): Tensor {
  const o = { a: x };
  return x;
}
