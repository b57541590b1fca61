// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1012 6:3 delete is not supported inside @script code; use a new variable instead of removing a property.
export function f(x: Tensor): Tensor {
  const xs = [x];
  delete xs[0];
  return x;
}
