// @ts-nocheck
import { relu, type Tensor } from "tsjit";
// expect: TSJ1004 4:1 async functions and await are not supported inside @script code; compute synchronously; await outside the compiled function.
export async function f(x: Tensor): Promise<Tensor> {
  return relu(x);
}
