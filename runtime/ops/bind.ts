/**
 * Binding a call's JS arguments to a schema: positional arguments in schema order,
 * then an optional trailing options object holding keyword arguments in camelCase
 * (`conv2d(x, w, b, { stride: 2, padding: 1 })`), then the schema's defaults.
 * Each value is checked against its declared type; a mismatch names the op, the
 * argument and what was given.
 */
import { isDType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/Tensor.js";
import { camelCase, formatType, type Schema, type SchemaArgument, type SchemaType } from "./schema.js";

export type BindResult = { readonly ok: true; readonly args: unknown[] } | { readonly ok: false; readonly reason: string };

export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function describeValue(value: unknown): string {
  if (value instanceof Tensor) return `Tensor[${value.shape.join(", ")}] ${value.dtype}`;
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(describeValue).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "object";
  return String(value);
}

const keywordNamesOf = new WeakMap<Schema, readonly string[]>();

/** The schema's arguments as TypeScript options keys (camelCase), computed once per schema. */
function keywordNames(schema: Schema): readonly string[] {
  let names = keywordNamesOf.get(schema);
  if (!names) {
    names = schema.arguments.map((p) => camelCase(p.name));
    keywordNamesOf.set(schema, names);
  }
  return names;
}

export function bindArguments(schema: Schema, rawArgs: readonly unknown[]): BindResult {
  const params = schema.arguments;
  const positionalParams = params.filter((p) => !p.keywordOnly).length;
  let positional = [...rawArgs];
  while (positional.length > 0 && positional[positional.length - 1] === undefined) positional.pop();
  let options: Record<string, unknown> = {};
  const last = positional[positional.length - 1];
  // No schema takes a dict, so a trailing plain object is always the options object.
  if (isOptionsObject(last)) {
    options = last;
    positional = positional.slice(0, -1);
  }
  positional = gatherIntVarargs(params, positionalParams, positional);
  if (positional.length > positionalParams) {
    return { ok: false, reason: `takes at most ${positionalParams} positional arguments but ${positional.length} were given` };
  }
  const names = keywordNames(schema);
  for (const key of Object.keys(options)) {
    const index = names.indexOf(key);
    if (index < 0) return { ok: false, reason: `got an unexpected keyword argument '${key}' (expected one of: ${names.join(", ")})` };
    if (positional[index] !== undefined) return { ok: false, reason: `got argument '${key}' both by position and as a keyword` };
  }
  const bound: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    const key = names[i]!;
    let value: unknown;
    if (positional[i] !== undefined) value = positional[i];
    else if (options[key] !== undefined) value = options[key];
    else if ("default" in param) value = param.default;
    else return { ok: false, reason: `missing required argument '${param.name}' (${formatType(param.type)})` };
    const coerced = coerce(param.type, value);
    if (coerced === INVALID) {
      return { ok: false, reason: `argument '${param.name}' must be ${formatType(param.type)}, got ${describeValue(value)}` };
    }
    bound.push(coerced);
  }
  return { ok: true, args: bound };
}

/**
 * PyTorch lets the last positional `int[]` be spread: `x.reshape(2, 3)`,
 * `zeros(2, 3)`, `x.permute(2, 0, 1)` mean the same as passing `[2, 3]`.
 */
function gatherIntVarargs(params: readonly SchemaArgument[], positionalParams: number, positional: unknown[]): unknown[] {
  const last = positionalParams - 1;
  const type = params[last]?.type;
  const isIntList = type?.kind === "List" && type.element.kind === "int";
  if (!isIntList || positional.length <= last) return positional;
  const rest = positional.slice(last);
  if (rest.length < 2 || !rest.every((v) => typeof v === "number")) return positional;
  return [...positional.slice(0, last), rest];
}

const INVALID = Symbol("invalid");

function coerce(type: SchemaType, value: unknown): unknown {
  switch (type.kind) {
    case "Optional":
      return value === null || value === undefined ? null : coerce(type.inner, value);
    case "Tensor":
      return value instanceof Tensor ? value : INVALID;
    case "int":
      return typeof value === "number" && Number.isInteger(value) ? value : typeof value === "boolean" ? Number(value) : INVALID;
    case "float":
      return typeof value === "number" ? value : INVALID;
    case "bool":
      return typeof value === "boolean" ? value : INVALID;
    case "str":
      return typeof value === "string" ? value : INVALID;
    case "Scalar":
      return typeof value === "number" || typeof value === "boolean" ? value : INVALID;
    case "ScalarType":
      return isDType(value) ? value : INVALID;
    case "List":
      return coerceList(type, value);
  }
}

function coerceList(type: Extract<SchemaType, { kind: "List" }>, value: unknown): unknown {
  // PyTorch accepts one int where it expects int[N] (kernel_size=3 means [3, 3]).
  if (type.element.kind === "int" && typeof value === "number") {
    return Number.isInteger(value) ? new Array<number>(type.size ?? 1).fill(value) : INVALID;
  }
  if (!Array.isArray(value)) return INVALID;
  if (type.size !== undefined && value.length !== type.size && !(type.size > 1 && value.length === 1)) return INVALID;
  const items = value.map((item) => coerce(type.element, item));
  if (items.includes(INVALID)) return INVALID;
  if (type.size !== undefined && items.length === 1 && type.size > 1) return new Array<unknown>(type.size).fill(items[0]);
  return items;
}
