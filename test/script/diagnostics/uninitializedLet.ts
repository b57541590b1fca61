// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1034 5:7 'y' is declared without a value; initialize the variable where it is declared (let y = zerosLike(x);).
export function f(x: Tensor, c: boolean): Tensor {
  let y: Tensor;
  if (c) y = relu(x);
  return y;
}
