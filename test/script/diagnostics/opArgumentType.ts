// @ts-nocheck
import { matmul, type Tensor } from "tsjit";
// expect: TSJ1020 5:10 no overload of 'matmul' accepts (Tensor, boolean): matmul(Tensor self, Tensor other) -> Tensor: argument 'other' must be Tensor, got boolean; pass arguments matching one of the op's schemas (see docs/language.md).
export function f(x: Tensor, flag: boolean): Tensor {
  return matmul(x, flag);
}
