/** Constructor-argument checks shared by the layers; errors name the layer and the argument. */
import { fail } from "../../errors.js";

export function checkPositiveInt(layer: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) fail("INVALID_ARGUMENT", `${layer}: ${argument} must be a positive integer, got ${value}`);
}

export function checkNonNegativeInt(layer: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) fail("INVALID_ARGUMENT", `${layer}: ${argument} must be a non-negative integer, got ${value}`);
}

/** An `int` or `int[n]` argument as an n-tuple, each element checked by `checkElement`. */
export function expandTuple(
  layer: string,
  argument: string,
  value: number | readonly number[],
  n: number,
  checkElement: (layer: string, argument: string, value: number) => void,
): number[] {
  const values = typeof value === "number" ? new Array<number>(n).fill(value) : [...value];
  if (values.length !== n) fail("INVALID_ARGUMENT", `${layer}: ${argument} must be an int or a list of ${n} ints, got [${values.join(", ")}]`);
  for (const v of values) checkElement(layer, argument, v);
  return values;
}
