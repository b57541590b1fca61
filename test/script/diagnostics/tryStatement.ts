// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1006 5:3
export function f(x: Tensor): Tensor {
  try {
    return x;
  } catch {
    return x;
  }
}
