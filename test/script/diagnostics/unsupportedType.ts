// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1021 4:33 type 'Map<string, Tensor>' cannot be represented in @script code; use Tensor, number, boolean, string, arrays/tuples of those, or T | null.
export function f(x: Tensor, m: Map<string, Tensor>): Tensor {
  return x;
}
