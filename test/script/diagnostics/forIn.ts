// @ts-nocheck
import { add, type Tensor } from "tsjit";
// expect: TSJ1022 6:3 for...in is not supported inside @script code; use if/else, for (let i = a; i < b; i++), for (const x of xs), or while.
export function f(x: Tensor, xs: number[]): Tensor {
  let y = x;
  for (const i in xs) {
    y = add(y, 1);
  }
  return y;
}
