// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1005 4:1 generators and yield are not supported inside @script code; build an array with push and return it.
export function* f(x: Tensor): Generator<Tensor> {
  yield x;
}
