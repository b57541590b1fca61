// @ts-nocheck
import { mul, type Tensor } from "tsjit";
let k = 2;
// expect: TSJ1002 6:17 'k' is declared outside this @script function, which cannot capture variables; pass 'k' as a parameter, or make it a module-level const with a literal value.
export function f(x: Tensor): Tensor {
  return mul(x, k);
}
