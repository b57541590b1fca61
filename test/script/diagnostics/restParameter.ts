// @ts-nocheck
import { stack, type Tensor } from "tsjit";
// expect: TSJ1033 4:19 parameter 'xs' uses a form @script does not support (rest, destructured, or this parameter); declare plain named parameters with types.
export function f(...xs: Tensor[]): Tensor {
  return stack(xs, 0);
}
