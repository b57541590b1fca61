// @ts-nocheck
import { cat, type Tensor } from "tsjit";
// expect: TSJ1009 5:15
export function f(xs: Tensor[]): Tensor {
  return cat([...xs], 0);
}
