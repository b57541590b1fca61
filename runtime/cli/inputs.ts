/**
 * The values `tsjit run --input` builds for a method's arguments, one per --input,
 * guided by the argument's IR type:
 * - `name.npy`: a NumPy array file (npy.ts);
 * - `name.json`: a JSON file, read as the inline form below;
 * - anything else is inline JSON: for a Tensor argument, nested arrays (numbers give
 *   float32, since JSON does not tell 1 from 1.0; booleans give bool), a bare number
 *   (a 0-dim float32 tensor) or `{"shape": [...], "dtype": "int64", "data": [flat]}`;
 *   for an int, float or bool argument, the JSON number or boolean.
 * Problems in an inline value are usage errors; problems in a file name the file.
 */
import { fail, TsjitError } from "../errors.js";
import { formatIRType, type IRType } from "../ir/types.js";
import { isDType } from "../tensor/dtype.js";
import { tensor, type TensorData, type TensorOptions } from "../tensor/factory.js";
import type { Tensor } from "../tensor/Tensor.js";
import { readInputFile, UsageError } from "./command.js";
import { decodeNpy } from "./npy.js";

/** The argument value for `spec`; `label` ("input 1 (x: Tensor)") names it in messages. */
export async function readInput(spec: string, type: IRType, label: string): Promise<unknown> {
  if (spec.endsWith(".npy")) {
    if (type.kind !== "Tensor") throw new UsageError(`${label}: a .npy file gives a Tensor, but the argument is ${formatIRType(type)}`);
    return decodeNpy(await readInputFile(spec), spec);
  }
  if (spec.endsWith(".json")) {
    const text = new TextDecoder().decode(await readInputFile(spec));
    return fromJsonText(text, type, `${spec} (${label})`, (message) => fail("INVALID_FILE", message));
  }
  return fromJsonText(spec, type, label, (message) => {
    throw new UsageError(message);
  });
}

function fromJsonText(text: string, type: IRType, where: string, refuse: (message: string) => never): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    refuse(`${where}: not valid JSON (${(error as Error).message}); give nested arrays, {"shape", "dtype", "data"}, or a .npy or .json file`);
  }
  switch (type.kind) {
    case "Tensor":
      return tensorFromJson(json, where, refuse);
    case "int":
      if (!Number.isSafeInteger(json)) refuse(`${where}: expected an integer, got ${text}`);
      return json;
    case "float":
      if (typeof json !== "number") refuse(`${where}: expected a number, got ${text}`);
      return json;
    case "bool":
      if (typeof json !== "boolean") refuse(`${where}: expected true or false, got ${text}`);
      return json;
    default:
      refuse(`${where}: tsjit run builds Tensor, int, float and bool arguments, not ${formatIRType(type)}`);
  }
}

function tensorFromJson(json: unknown, where: string, refuse: (message: string) => never): Tensor {
  if (typeof json === "number") return build(json, { dtype: "float32" }, where, refuse);
  if (Array.isArray(json)) return build(json as TensorData, { dtype: allBooleans(json) ? "bool" : "float32" }, where, refuse);
  if (typeof json === "object" && json !== null && "data" in json) {
    const { shape, dtype, data } = json as { shape?: unknown; dtype?: unknown; data: unknown };
    if (dtype !== undefined && !isDType(dtype)) refuse(`${where}: "dtype" must be one of float32, int32, int64, bool, got ${JSON.stringify(dtype)}`);
    if (shape !== undefined && !(Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0))) refuse(`${where}: "shape" must be an array of non-negative integers`);
    if (!Array.isArray(data) && typeof data !== "number" && typeof data !== "boolean") refuse(`${where}: "data" must be an array or a number`);
    return build(data as TensorData, { dtype: dtype ?? (allBooleans(data) ? "bool" : "float32"), ...(shape === undefined ? {} : { shape: shape as number[] }) }, where, refuse);
  }
  refuse(`${where}: a Tensor argument takes nested arrays, a number, or {"shape", "dtype", "data"}`);
}

/** tensor(), with its complaints (ragged lists, shape and data disagreeing) reported as this input's. */
function build(data: TensorData, options: TensorOptions, where: string, refuse: (message: string) => never): Tensor {
  try {
    return tensor(data, options);
  } catch (error) {
    if (error instanceof TsjitError) refuse(`${where}: ${error.message}`);
    throw error;
  }
}

function allBooleans(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 && value.every(allBooleans) : typeof value === "boolean";
}
