/**
 * IR value types, after TorchScript's: `float` is any JS number, `int` one known to
 * be integral (literals without a fraction, shape entries, loop indices).
 */
import { fail } from "../errors.js";
import type { SchemaType } from "../ops/schema.js";
import { splitTopLevel } from "../util/splitTopLevel.js";

export type IRType =
  | { readonly kind: "Tensor" | "int" | "float" | "bool" | "str" | "None" | "ScalarType" }
  | { readonly kind: "List"; readonly element: IRType }
  | { readonly kind: "Tuple"; readonly elements: readonly IRType[] }
  | { readonly kind: "Optional"; readonly inner: IRType }
  /** A module: the class name the user wrote (`ControlFlow`), as TorchScript's class types. */
  | { readonly kind: "Module"; readonly className: string };

export const TensorType: IRType = { kind: "Tensor" };
export const IntType: IRType = { kind: "int" };
export const FloatType: IRType = { kind: "float" };
export const BoolType: IRType = { kind: "bool" };
export const StrType: IRType = { kind: "str" };
export const NoneType: IRType = { kind: "None" };
export const ScalarTypeType: IRType = { kind: "ScalarType" };

export function listOf(element: IRType): IRType {
  return { kind: "List", element };
}

export function tupleOf(elements: readonly IRType[]): IRType {
  return { kind: "Tuple", elements };
}

export function optionalOf(inner: IRType): IRType {
  return { kind: "Optional", inner };
}

export function moduleType(className: string): IRType {
  return { kind: "Module", className };
}

/** TorchScript's spelling: `Tensor`, `int[]`, `(Tensor, int)`, `Tensor?`, `NoneType`, a class name. */
export function formatIRType(type: IRType): string {
  switch (type.kind) {
    case "List":
      return `${formatIRType(type.element)}[]`;
    case "Tuple":
      return `(${type.elements.map(formatIRType).join(", ")})`;
    case "Optional":
      return `${formatIRType(type.inner)}?`;
    case "Module":
      return type.className;
    case "None":
      return "NoneType";
    default:
      return type.kind;
  }
}

export function sameType(a: IRType, b: IRType): boolean {
  return formatIRType(a) === formatIRType(b);
}

/**
 * Whether a value of type `actual` may be passed where `expected` is declared:
 * equal types, int where float is expected, None or T where T? is expected.
 */
export function isSubtype(actual: IRType, expected: IRType): boolean {
  if (sameType(actual, expected)) return true;
  if (actual.kind === "int" && expected.kind === "float") return true;
  if (expected.kind === "Optional") return actual.kind === "None" || isSubtype(actual, expected.inner);
  if (actual.kind === "List" && expected.kind === "List") return isSubtype(actual.element, expected.element);
  return false;
}

/** The IR type a schema argument or return declares. `Scalar` is a number (float). */
export function fromSchemaType(type: SchemaType): IRType {
  switch (type.kind) {
    case "Optional":
      return optionalOf(fromSchemaType(type.inner));
    case "List":
      return listOf(fromSchemaType(type.element));
    case "Scalar":
      return FloatType;
    case "Tensor":
    case "int":
    case "float":
    case "bool":
    case "str":
    case "ScalarType":
      return { kind: type.kind };
  }
}

/** Parses `formatIRType`'s output back (the text IR's type annotations). */
export function parseIRType(text: string): IRType {
  const source = text.trim();
  if (source.endsWith("?")) return optionalOf(parseIRType(source.slice(0, -1)));
  if (source.endsWith("[]")) return listOf(parseIRType(source.slice(0, -2)));
  if (source.startsWith("(") && source.endsWith(")")) {
    const inner = source.slice(1, -1).trim();
    return tupleOf(inner === "" ? [] : splitTopLevel(inner).map(parseIRType));
  }
  switch (source) {
    case "Tensor":
    case "int":
    case "float":
    case "bool":
    case "str":
    case "ScalarType":
      return { kind: source };
    case "NoneType":
      return NoneType;
  }
  if (/^[A-Za-z_$][\w$.]*$/.test(source)) return moduleType(source);
  fail("INVALID_ARGUMENT", `IR: unknown type '${source}'`);
}

