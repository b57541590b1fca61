// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1018 4:30 parameter 'n' needs a type annotation in @script code; write its type: (x: Tensor), (n: number), (flag: boolean), (xs: Tensor[]).
export function f(x: Tensor, n): Tensor {
  return x;
}
