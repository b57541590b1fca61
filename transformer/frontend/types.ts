/** TypeScript types (from the checker) → IR types, and the join of two IR types at a merge. */
import type * as ts from "typescript";
import { BoolType, FloatType, listOf, moduleType, NoneType, optionalOf, StrType, TensorType, tupleOf, sameType, type IRType } from "../../runtime/ir/types.js";
import { isTsjitDeclaration } from "./sites.js";

export type TypeResult = { ok: true; type: IRType } | { ok: false; reason: "any" | "unsupported" };

function declarationsOf(type: ts.Type): readonly ts.Declaration[] {
  return type.getSymbol()?.getDeclarations() ?? [];
}

/** Whether `type` is tsjit's Tensor (or a subclass such as nn.Parameter). */
export function isTensorType(tsi: typeof ts, checker: ts.TypeChecker, type: ts.Type): boolean {
  return classChain(tsi, checker, type).some((t) => t.getSymbol()?.getName() === "Tensor" && declarationsOf(t).some((d) => isTsjitDeclaration(d, "tensor/Tensor")));
}

/** Whether `type` is a subclass of tsjit's nn.Module. */
export function isModuleType(tsi: typeof ts, checker: ts.TypeChecker, type: ts.Type): boolean {
  return classChain(tsi, checker, type).some((t) => t.getSymbol()?.getName() === "Module" && declarationsOf(t).some((d) => isTsjitDeclaration(d, "nn/Module")));
}

/** `type` and its base classes, nearest first. */
export function classChain(tsi: typeof ts, checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  const out: ts.Type[] = [];
  let current: ts.Type | undefined = type;
  for (let guard = 0; current && guard < 32; guard++) {
    out.push(current);
    if (!(current.flags & tsi.TypeFlags.Object) || !((current as ts.ObjectType).objectFlags & (tsi.ObjectFlags.Class | tsi.ObjectFlags.Interface))) {
      const target: ts.Type | undefined = (current as ts.TypeReference).target;
      if (target && target !== current) {
        current = target;
        continue;
      }
      break;
    }
    const bases = checker.getBaseTypes(current as ts.InterfaceType);
    current = bases[0];
  }
  return out;
}

export function irTypeOf(tsi: typeof ts, checker: ts.TypeChecker, type: ts.Type): TypeResult {
  const F = tsi.TypeFlags;
  if (type.flags & (F.Any | F.Unknown)) return { ok: false, reason: "any" };
  if (type.flags & F.BooleanLike) return { ok: true, type: BoolType };
  if (type.flags & F.NumberLike) return { ok: true, type: FloatType };
  if (type.flags & F.StringLike) return { ok: true, type: StrType };
  if (type.flags & (F.Null | F.Undefined | F.Void)) return { ok: true, type: NoneType };
  if (type.isUnion()) {
    const rest = type.types.filter((t) => !(t.flags & (F.Null | F.Undefined | F.Void)));
    const nullable = rest.length < type.types.length;
    let inner: IRType | undefined;
    if (rest.every((t) => t.flags & F.BooleanLike)) inner = BoolType;
    else if (rest.every((t) => t.flags & F.NumberLike)) inner = FloatType;
    else if (rest.every((t) => t.flags & F.StringLike)) inner = StrType;
    else if (rest.length === 1) {
      const r = irTypeOf(tsi, checker, rest[0]!);
      if (!r.ok) return r;
      inner = r.type;
    } else return { ok: false, reason: "unsupported" };
    return { ok: true, type: nullable ? optionalOf(inner) : inner };
  }
  if (checker.isTupleType(type)) {
    const elements: IRType[] = [];
    for (const t of checker.getTypeArguments(type as ts.TypeReference)) {
      const r = irTypeOf(tsi, checker, t);
      if (!r.ok) return r;
      elements.push(r.type);
    }
    return { ok: true, type: tupleOf(elements) };
  }
  if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    if (!element) return { ok: false, reason: "unsupported" };
    const r = irTypeOf(tsi, checker, element);
    return r.ok ? { ok: true, type: listOf(r.type) } : r;
  }
  if (isTensorType(tsi, checker, type)) return { ok: true, type: TensorType };
  if (isModuleType(tsi, checker, type)) return { ok: true, type: moduleType(type.getSymbol()!.getName()) };
  return { ok: false, reason: "unsupported" };
}

/** The type both `a` and `b` fit in (int ⊂ float, None and T ⊂ T?), or undefined if there is none. */
export function joinTypes(a: IRType, b: IRType): IRType | undefined {
  if (sameType(a, b)) return a;
  if ((a.kind === "int" && b.kind === "float") || (a.kind === "float" && b.kind === "int")) return FloatType;
  if (a.kind === "None") return b.kind === "Optional" ? b : optionalOf(b);
  if (b.kind === "None") return a.kind === "Optional" ? a : optionalOf(a);
  if (a.kind === "Optional" || b.kind === "Optional") {
    const inner = joinTypes(a.kind === "Optional" ? a.inner : a, b.kind === "Optional" ? b.inner : b);
    return inner && optionalOf(inner);
  }
  if (a.kind === "List" && b.kind === "List") {
    const element = joinTypes(a.element, b.element);
    return element && listOf(element);
  }
  if (a.kind === "Tuple" && b.kind === "Tuple" && a.elements.length === b.elements.length) {
    const elements = a.elements.map((t, i) => joinTypes(t, b.elements[i]!));
    return elements.every((t) => t !== undefined) ? tupleOf(elements as IRType[]) : undefined;
  }
  return undefined;
}

/** How a type reads in a diagnostic: `a Tensor`, `a number`. */
export function describeType(type: IRType): string {
  switch (type.kind) {
    case "Tensor":
      return "a Tensor";
    case "int":
    case "float":
      return "a number";
    case "bool":
      return "a boolean";
    case "str":
      return "a string";
    case "None":
      return "null";
    case "List":
      return "an array";
    case "Tuple":
      return "a tuple";
    case "Optional":
      return `${describeType(type.inner)} or null`;
    default:
      return type.kind === "Module" ? `a module (${type.className})` : type.kind;
  }
}

export { NoneType };
