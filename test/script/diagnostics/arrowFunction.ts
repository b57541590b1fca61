// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1001 5:13
export function f(x: Tensor): Tensor {
  const g = (t: Tensor) => relu(t);
  return x;
}
