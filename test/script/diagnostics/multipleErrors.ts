// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1015 6:3
// expect: TSJ1022 7:3
export function f(x: Tensor, n: number): Tensor {
  console.log(n);
  switch (n) {
    default:
      return x;
  }
}
