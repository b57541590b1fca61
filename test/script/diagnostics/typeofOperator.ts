// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1011 5:7 typeof is not supported inside @script code: types are known at compile time; use the declared types; split the function per type.
export function f(x: Tensor, n: number): Tensor {
  if (typeof n === "number") return x;
  return x;
}
