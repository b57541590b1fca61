// @ts-nocheck
import { add, type Tensor } from "tsjit";
// expect: TSJ1022 6:3 do...while is not supported inside @script code; use if/else, for (let i = a; i < b; i++), for (const x of xs), or while.
export function f(x: Tensor, n: number): Tensor {
  let y = x;
  do {
    y = add(y, 1);
  } while (y.sum().item() < n);
  return y;
}
