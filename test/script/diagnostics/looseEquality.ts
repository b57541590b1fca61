// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1037 5:9 loose equality (==) is not supported inside @script code, except == null / != null; use === or !==.
export function f(x: Tensor, n: number): Tensor {
  if (n == 1) return x;
  return x;
}
