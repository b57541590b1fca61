// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1025 5:12 'data' is not supported on a value of type Tensor in @script code; use an op (x.relu(), x.reshape(...)), x.shape[i], x.size(i), x.dim(), x.item(), or an array's length/push/[i].
export function f(x: Tensor): number {
  return x.data.length;
}
