// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1030 5:9 this destructuring pattern is not supported inside @script code; destructure arrays and tuples by position: const [a, b] = pair.
export function f(x: Tensor, pair: [Tensor, Tensor]): Tensor {
  const { length } = pair;
  return x;
}
