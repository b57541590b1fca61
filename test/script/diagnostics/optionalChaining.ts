// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1010 5:20
export function f(x: Tensor | null): Tensor | null {
  return x?.relu() ?? null;
}
