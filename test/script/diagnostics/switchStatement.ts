// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1022 5:3 switch is not supported inside @script code; use if/else, for (let i = a; i < b; i++), for (const x of xs), or while.
export function f(x: Tensor, n: number): Tensor {
  switch (n) {
    case 0:
      return relu(x);
    default:
      return x;
  }
}
