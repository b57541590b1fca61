/**
 * Op schemas in PyTorch's native_functions.yaml spelling, parsed once at registration:
 *
 *   aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor
 *   aten::max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)
 *   aten::append.t(Tensor[](a!) self, Tensor el) -> Tensor[](a!)
 *
 * A type may carry an alias annotation, as in PyTorch: `(a)` names the alias set the
 * value belongs to, `(a!)` also says the op writes to it (mutation). Passes that move
 * or remove nodes read it (runtime/jit/passes/effects.ts).
 *
 * The parsed form is what eager dispatch binds arguments against, and what the
 * tracer, the @script frontend and the exporters read.
 */
import { fail } from "../errors.js";
import { splitTopLevel } from "../util/splitTopLevel.js";

export type SchemaType =
  | { readonly kind: "Tensor" | "int" | "float" | "bool" | "str" | "Scalar" | "ScalarType" }
  | { readonly kind: "List"; readonly element: SchemaType; readonly size?: number }
  | { readonly kind: "Optional"; readonly inner: SchemaType };

export type DefaultValue = number | boolean | string | null | readonly number[];

/** `(a!)` after a type: the value is in alias set `a`, and `mutable` if the op writes to it. */
export interface AliasAnnotation {
  readonly set: string;
  readonly mutable: boolean;
}

export interface SchemaArgument {
  readonly name: string;
  readonly type: SchemaType;
  readonly alias?: AliasAnnotation;
  readonly default?: DefaultValue;
  readonly keywordOnly: boolean;
}

export interface SchemaReturn {
  readonly name?: string;
  readonly type: SchemaType;
  readonly alias?: AliasAnnotation;
}

export interface Schema {
  /** `aten` or `tsjit`. */
  readonly namespace: string;
  /** The op's name without namespace or overload, e.g. `log_softmax`. */
  readonly name: string;
  /** The overload name (`Tensor`, `dim`), or "" for the default overload. */
  readonly overload: string;
  readonly arguments: readonly SchemaArgument[];
  /** One entry per returned value; a tuple return has several. */
  readonly returns: readonly SchemaReturn[];
  readonly text: string;
}

const SIMPLE_TYPES = new Set(["Tensor", "int", "float", "bool", "str", "Scalar", "ScalarType"]);

export function parseType(text: string): SchemaType {
  const source = text.trim();
  if (source.endsWith("?")) return { kind: "Optional", inner: parseType(source.slice(0, -1)) };
  const list = /^(.*)\[(\d*)\]$/.exec(source);
  if (list) {
    const element = parseType(list[1]!);
    return list[2] ? { kind: "List", element, size: Number(list[2]) } : { kind: "List", element };
  }
  if (!SIMPLE_TYPES.has(source)) fail("INVALID_ARGUMENT", `schema: unknown type '${source}'`);
  return { kind: source as "Tensor" };
}

export function formatType(type: SchemaType): string {
  switch (type.kind) {
    case "Optional":
      return `${formatType(type.inner)}?`;
    case "List":
      return `${formatType(type.element)}[${type.size ?? ""}]`;
    default:
      return type.kind;
  }
}

/** Splits `Tensor(a!)` (or PyTorch's `Tensor(a!)?`, `Tensor(a)[]`) into the type text and its alias annotation. */
function splitAlias(text: string): { typeText: string; alias?: AliasAnnotation } {
  const match = /\((\w+)(!?)\)/.exec(text);
  if (!match) return { typeText: text };
  return { typeText: text.replace(match[0], ""), alias: { set: match[1]!, mutable: match[2] === "!" } };
}

function parseDefault(text: string, schemaText: string): DefaultValue {
  const source = text.trim();
  if (source === "None") return null;
  if (source === "True") return true;
  if (source === "False") return false;
  if (/^["'].*["']$/.test(source)) return source.slice(1, -1);
  if (source.startsWith("[")) {
    const inner = source.slice(1, -1).trim();
    return inner === "" ? [] : inner.split(",").map((s) => parseNumber(s, schemaText));
  }
  return parseNumber(source, schemaText);
}

function parseNumber(text: string, schemaText: string): number {
  const value = Number(text.trim());
  if (Number.isNaN(value)) fail("INVALID_ARGUMENT", `schema '${schemaText}': bad default value '${text.trim()}'`);
  return value;
}


export function parseSchema(text: string): Schema {
  const match = /^(?:(\w+)::)?(\w+)(?:\.(\w+))?\((.*)\)\s*->\s*(.+)$/.exec(text.trim());
  if (!match) fail("INVALID_ARGUMENT", `schema: cannot parse '${text}'`);
  const [, namespace = "aten", name, overload = "", argText, returnText] = match;
  const args: SchemaArgument[] = [];
  let keywordOnly = false;
  for (const part of splitTopLevel(argText!)) {
    if (part === "*") {
      keywordOnly = true;
      continue;
    }
    const argMatch = /^(.+?)\s+(\w+)(?:\s*=\s*(.+))?$/.exec(part);
    if (!argMatch) fail("INVALID_ARGUMENT", `schema '${text}': cannot parse argument '${part}'`);
    const [, annotatedType, argName, defaultText] = argMatch;
    const { typeText, alias } = splitAlias(annotatedType!);
    const arg: SchemaArgument = {
      name: argName!,
      type: parseType(typeText),
      ...(alias ? { alias } : {}),
      keywordOnly,
      ...(defaultText !== undefined ? { default: parseDefault(defaultText, text) } : {}),
    };
    args.push(arg);
  }
  return { namespace, name: name!, overload, arguments: args, returns: parseReturns(returnText!), text: text.trim() };
}

function parseReturns(text: string): SchemaReturn[] {
  const source = text.trim();
  const parts = source.startsWith("(") ? splitTopLevel(source.slice(1, -1)) : [source];
  return parts.map((part) => {
    const [annotatedType, name] = part.split(/\s+/);
    const { typeText, alias } = splitAlias(annotatedType!);
    return { type: parseType(typeText), ...(name ? { name } : {}), ...(alias ? { alias } : {}) };
  });
}

/** `negative_slope` -> `negativeSlope`: the spelling of keyword arguments in TypeScript options objects. */
/** The IR node kind of an overload: `aten::add.Tensor`, `tsjit::linear_act` (see Note [Node kinds] in ir/Graph.ts). */
export function nodeKindOfSchema({ namespace, name, overload }: Schema): string {
  return `${namespace}::${name}${overload ? `.${overload}` : ""}`;
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
