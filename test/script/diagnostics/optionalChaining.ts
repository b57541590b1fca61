// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1010 5:20 optional chaining (?.) and nullish coalescing (??) are not supported inside @script code; test for null with if (x !== null) { ... }.
export function f(x: Tensor | null): Tensor | null {
  return x?.relu() ?? null;
}
