// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1040 5:15 'new Float32Array(...)' is not supported inside @script code (only throw new Error(message) may use new); create tensors with ops (zeros(...), zerosLike(x), tensor-valued ops) and arrays with literals [a, b].
export function f(x: Tensor): Tensor {
  const buf = new Float32Array(4);
  return x;
}
