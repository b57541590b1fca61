// @ts-nocheck
import { zerosLike, type Tensor } from "tsjit";
// expect: TSJ1019 6:3
export function f(x: Tensor, c: boolean): Tensor {
  let y: Tensor | number = x;
  if (c) {
    y = 0;
  }
  return zerosLike(x);
}
