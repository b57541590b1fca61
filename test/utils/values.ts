/** Outputs as plain data for toEqual: tensors as dtype, shape and values (NaN as "nan", so NaN equals NaN), lists as lists, anything else as it is. */
import { Tensor } from "../../runtime/index.js";

export function valuesOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(valuesOf);
  if (value instanceof Tensor) return { dtype: value.dtype, shape: [...value.shape], values: Array.from(value.toTypedArray(), (v) => (Number.isNaN(Number(v)) ? "nan" : Number(v))) };
  return value;
}
