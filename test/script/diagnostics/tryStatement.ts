// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1006 5:3 try/catch/finally is not supported inside @script code; check the condition with if and throw new Error(message).
export function f(x: Tensor): Tensor {
  try {
    return x;
  } catch {
    return x;
  }
}
