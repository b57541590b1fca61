// @ts-nocheck
import { cat, type Tensor } from "tsjit";
// expect: TSJ1009 5:15 spread syntax (...) is not supported inside @script code; pass the arguments one by one, or pass the array itself.
export function f(xs: Tensor[]): Tensor {
  return cat([...xs], 0);
}
