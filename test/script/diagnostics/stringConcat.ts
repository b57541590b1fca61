// @ts-nocheck
import type { Tensor } from "tsjit";
// expect: TSJ1024 5:10 operator 'string conversion ("s" + v, `${v}`)' is not supported on a Tensor in @script code; convert numbers, booleans and strings only; for a one-element Tensor convert x.item().
export function f(x: Tensor): string {
  return "value: " + x;
}
