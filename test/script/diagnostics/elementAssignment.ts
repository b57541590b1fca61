// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1031 6:3 assigning to an element or property (xs[0]) is not supported inside @script code; build a new array with push, or use tensor ops.
export function f(x: Tensor): Tensor {
  const xs = [x, x];
  xs[0] = relu(x);
  return xs[0];
}
