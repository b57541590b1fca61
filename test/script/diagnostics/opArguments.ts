// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1020 5:10 no overload of 'relu' accepts (Tensor, number): relu(Tensor self) -> Tensor: takes at most 1 positional arguments but 2 were given; pass arguments matching one of the op's schemas (see docs/language.md).
export function f(x: Tensor): Tensor {
  return relu(x, 2 as never);
}
