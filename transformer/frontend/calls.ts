/**
 * Calls, property reads and element reads: tsjit ops (free functions and Tensor
 * methods, resolved by the callee's symbol and bound against the registry's
 * schemas), the Tensor members that are not ops (`shape`, `size`, `dim`, `item`),
 * `Math.*`, array `length`/`push`/`[i]`, module fields (`prim::GetAttr`), method
 * calls (`prim::CallMethod`) and calls to other compiled functions (`prim::CallFunction`).
 */
import type * as ts from "typescript";
import type { Value } from "../../runtime/ir/Graph.js";
import { nodeKindOf } from "../../runtime/ir/opKinds.js";
import { BoolType, FloatType, fromSchemaType, IntType, listOf, moduleType, NoneType, ScalarTypeType, StrType, TensorType, tupleOf, type IRType } from "../../runtime/ir/types.js";
import { acceptsArgument } from "../../runtime/ir/verifier.js";
import "../../runtime/ops/index.js";
import { allOps, type OpDef } from "../../runtime/ops/registry.js";
import { camelCase, formatType, type SchemaArgument, type SchemaType } from "../../runtime/ops/schema.js";
import { isDType } from "../../runtime/tensor/dtype.js";
import type { FunctionCompiler } from "./context.js";
import { emitExpression, isNumber } from "./expressions.js";
import { isOpFunction, isTsjitDeclaration, symbolAt } from "./sites.js";
import { describeType, irTypeOf, isModuleType, isTensorType } from "./types.js";

/** camelCase name → the op's overloads, in registration order. */
let opsByCamel: Map<string, OpDef[]> | undefined;
function opsNamed(camel: string): OpDef[] {
  if (!opsByCamel) {
    opsByCamel = new Map();
    for (const op of allOps()) {
      if (op.parsed.namespace === "tsjit" && !op.method) continue;
      const key = camelCase(op.parsed.name);
      opsByCamel.set(key, [...(opsByCamel.get(key) ?? []), op]);
    }
  }
  return opsByCamel.get(camel) ?? [];
}

/** The overload suffix of the per-type list ops (Note [Per-type list overloads] in scriptOps.ts). */
export function listOverload(element: IRType): string | undefined {
  switch (element.kind) {
    case "Tensor":
      return "t";
    case "int":
    case "float":
    case "bool":
    case "str":
      return element.kind;
    default:
      return undefined;
  }
}

function typeOfNode(fc: FunctionCompiler, node: ts.Node): ts.Type {
  return fc.checker.getTypeAtLocation(node);
}

function isThis(fc: FunctionCompiler, node: ts.Expression): boolean {
  return node.kind === fc.ts.SyntaxKind.ThisKeyword;
}

// ---------------------------------------------------------------------------
// Property and element reads

export function emitPropertyAccess(fc: FunctionCompiler, node: ts.PropertyAccessExpression): Value | undefined {
  const tsi = fc.ts;
  const name = node.name.text;
  if (tsi.isIdentifier(node.expression) && node.expression.text === "Math" && isLibSymbol(fc, node.expression)) {
    if (name === "PI" || name === "E" || name === "LN2" || name === "SQRT2") return fc.constant(Math[name], FloatType, node);
    fc.report("unknownMember", node, [`Math.${name}`, "Math"]);
    return undefined;
  }
  if (isThis(fc, node.expression)) return emitFieldRead(fc, node);
  // x.shape.length → dim
  if (name === "length" && tsi.isPropertyAccessExpression(node.expression) && node.expression.name.text === "shape") {
    const tensor = emitTensorReceiver(fc, node.expression.expression);
    return tensor && fc.op1("aten::dim", [tensor], IntType, node);
  }
  const receiver = emitExpression(fc, node.expression);
  if (!receiver) return undefined;
  if (receiver.type.kind === "Tensor") {
    if (name === "shape") return fc.op1("aten::size", [receiver], listOf(IntType), node);
    if (name === "ndim") return fc.op1("aten::dim", [receiver], IntType, node);
    fc.report("unknownMember", node.name, [name, "Tensor"]);
    return undefined;
  }
  if (receiver.type.kind === "List" && name === "length") {
    const overload = listOverload(receiver.type.element);
    if (overload) return fc.op1(`aten::len.${overload}`, [receiver], IntType, node);
  }
  if (receiver.type.kind === "Tuple" && name === "length") return fc.constant(receiver.type.elements.length, IntType, node);
  if (receiver.type.kind === "Module") return emitGetAttr(fc, receiver, node, node);
  fc.report("unknownMember", node.name, [name, describeType(receiver.type)]);
  return undefined;
}

function emitTensorReceiver(fc: FunctionCompiler, node: ts.Expression): Value | undefined {
  const value = emitExpression(fc, node);
  if (value && value.type.kind !== "Tensor") {
    fc.report("unknownMember", node, ["shape", describeType(value.type)]);
    return undefined;
  }
  return value;
}

function isLibSymbol(fc: FunctionCompiler, node: ts.Node): boolean {
  const symbol = symbolAt(fc.ts, fc.checker, node);
  return (symbol?.getDeclarations() ?? []).some((d) => /\/typescript\/lib\/lib\./.test(d.getSourceFile().fileName.replace(/\\/g, "/")));
}

/** `this.name`: a parameter, buffer, submodule or number/boolean/string field of the module. */
function emitFieldRead(fc: FunctionCompiler, node: ts.PropertyAccessExpression): Value | undefined {
  if (!fc.self) {
    fc.report("thisValue", node);
    return undefined;
  }
  return emitGetAttr(fc, fc.self, node, node);
}

function emitGetAttr(fc: FunctionCompiler, module: Value, node: ts.PropertyAccessExpression, at: ts.Node): Value | undefined {
  const name = node.name.text;
  const symbol = fc.checker.getSymbolAtLocation(node.name);
  if (symbol && symbol.flags & fc.ts.SymbolFlags.Method) {
    fc.report("unsupportedExpression", node, [`reading method '${name}' without calling it`]);
    return undefined;
  }
  const type = irTypeOf(fc.ts, fc.checker, typeOfNode(fc, node));
  const ok = type.ok && (["Tensor", "float", "bool", "str", "Module"].includes(type.type.kind) || (type.type.kind === "Optional" && type.type.inner.kind === "Tensor"));
  if (!type.ok || !ok) {
    fc.report("unsupportedField", node, [name, fc.checker.typeToString(typeOfNode(fc, node))]);
    return undefined;
  }
  const getattr = fc.append("prim::GetAttr", [module], at);
  getattr.setAttribute("name", name);
  return getattr.addOutput(type.type, name);
}

export function emitElementAccess(fc: FunctionCompiler, node: ts.ElementAccessExpression): Value | undefined {
  const tsi = fc.ts;
  // x.shape[i] → size.int(x, i)
  if (tsi.isPropertyAccessExpression(node.expression) && node.expression.name.text === "shape" && !isThis(fc, node.expression.expression)) {
    const tensor = emitExpression(fc, node.expression.expression);
    if (tensor && tensor.type.kind === "Tensor") {
      const index = emitIndex(fc, node.argumentExpression);
      return index && fc.op1("aten::size.int", [tensor, index], IntType, node);
    }
    if (!tensor) return undefined;
  }
  const receiver = emitExpression(fc, node.expression);
  if (!receiver) return undefined;
  if (receiver.type.kind === "Tuple") {
    const arg = node.argumentExpression;
    const at = tsi.isNumericLiteral(arg) ? Number(arg.text) : NaN;
    if (!Number.isInteger(at) || at < 0 || at >= receiver.type.elements.length) {
      fc.report("unsupportedExpression", arg, ["indexing a tuple with anything but a literal index in range"]);
      return undefined;
    }
    const unpack = fc.append("prim::TupleUnpack", [receiver], node);
    const outputs = receiver.type.elements.map((t) => unpack.addOutput(t));
    return outputs[at];
  }
  if (receiver.type.kind === "List") {
    const overload = listOverload(receiver.type.element);
    const index = emitIndex(fc, node.argumentExpression);
    if (!index) return undefined;
    if (overload) return fc.op1(`aten::__getitem__.${overload}`, [receiver, index], receiver.type.element, node);
  }
  fc.report("unsupportedExpression", node, [`indexing ${describeType(receiver.type)}${receiver.type.kind === "Tensor" ? " (use x.select(dim, i) or narrow/slice ops)" : ""}`]);
  return undefined;
}

function emitIndex(fc: FunctionCompiler, node: ts.Expression): Value | undefined {
  const value = emitExpression(fc, node);
  if (!value) return undefined;
  return toInt(fc, value, node);
}

function toInt(fc: FunctionCompiler, value: Value, node: ts.Node): Value | undefined {
  if (value.type.kind === "int") return value;
  if (value.type.kind === "float") return fc.op1("aten::Int.float", [value], IntType, node);
  fc.report("opArguments", node, ["an index", describeType(value.type), "an index must be a number"]);
  return undefined;
}

// ---------------------------------------------------------------------------
// Calls

export function emitCall(fc: FunctionCompiler, node: ts.CallExpression): Value | undefined {
  const tsi = fc.ts;
  const callee = node.expression;
  for (const arg of node.arguments) {
    if (tsi.isSpreadElement(arg)) {
      fc.report("spread", arg);
      return undefined;
    }
  }
  if (tsi.isPropertyAccessExpression(callee)) return emitMemberCall(fc, node, callee);
  if (tsi.isIdentifier(callee)) {
    const symbol = symbolAt(tsi, fc.checker, callee);
    if (symbol && isOpFunction(symbol)) {
      const overloads = opsNamed(callee.text);
      if (overloads.length > 0) return emitOpCall(fc, callee.text, overloads, undefined, node.arguments, node);
    }
    const target = symbol && compiledFunctionOf(fc, symbol);
    if (target) return emitFunctionCall(fc, node, target.declaration, target.name);
    fc.report("unknownCall", callee, [callee.text]);
    return undefined;
  }
  if (callee.kind === tsi.SyntaxKind.SuperKeyword) fc.report("unknownCall", callee, ["super"]);
  else fc.report("unsupportedExpression", callee, ["calling this expression"]);
  return undefined;
}

/** A function declared in user code, or a `const f = script(function f ...)`, that the call may compile. */
function compiledFunctionOf(fc: FunctionCompiler, symbol: ts.Symbol): { declaration: ts.FunctionLikeDeclaration; name: string } | undefined {
  const tsi = fc.ts;
  for (const d of symbol.getDeclarations() ?? []) {
    if (d.getSourceFile().isDeclarationFile || isTsjitDeclaration(d)) continue;
    if (tsi.isFunctionDeclaration(d) && d.body && d.name) return { declaration: d, name: d.name.text };
    if (tsi.isVariableDeclaration(d) && d.initializer && tsi.isCallExpression(d.initializer)) {
      const call = d.initializer;
      const arg = call.arguments[0];
      if (call.arguments.length === 1 && arg && tsi.isFunctionExpression(arg) && isScriptCall(fc, call)) {
        return { declaration: arg, name: arg.name?.text ?? (tsi.isIdentifier(d.name) ? d.name.text : "anonymous") };
      }
      if (arg && tsi.isIdentifier(arg) && isScriptCall(fc, call)) {
        const inner = symbolAt(tsi, fc.checker, arg);
        if (inner && inner !== symbol) return compiledFunctionOf(fc, inner);
      }
    }
  }
  return undefined;
}

function isScriptCall(fc: FunctionCompiler, call: ts.CallExpression): boolean {
  const symbol = symbolAt(fc.ts, fc.checker, fc.ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call.expression);
  return symbol?.getName() === "script" && (symbol.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d));
}

function emitFunctionCall(fc: FunctionCompiler, node: ts.CallExpression, declaration: ts.FunctionLikeDeclaration, name: string): Value | undefined {
  if (!fc.pc.compileCallee({ kind: "function", declaration, name }, node.expression)) return undefined;
  const args = emitCallArguments(fc, node, declaration);
  if (!args) return undefined;
  const call = fc.append("prim::CallFunction", args, node);
  call.setAttribute("name", name);
  return addCallOutput(fc, call, node);
}

function emitCallArguments(fc: FunctionCompiler, node: ts.CallExpression, declaration: ts.FunctionLikeDeclaration): Value[] | undefined {
  const params = declaration.parameters;
  const required = params.filter((p) => !p.questionToken && !p.initializer).length;
  if (node.arguments.length > params.length || node.arguments.length < required) {
    const takes = required === params.length ? `${params.length} argument${params.length === 1 ? "" : "s"}` : `${required} to ${params.length} arguments`;
    fc.report("callArguments", node, [node.expression.getText(), takes, String(node.arguments.length)]);
    return undefined;
  }
  const values: Value[] = [];
  let failed = false;
  for (const arg of node.arguments) {
    const value = emitExpression(fc, arg);
    if (!value) failed = true;
    else values.push(value);
  }
  // Omitted optional arguments are passed as None (the callee's graph fills in defaults).
  for (let i = node.arguments.length; i < declaration.parameters.length; i++) values.push(fc.constant(null, NoneType, node));
  return failed ? undefined : values;
}

function addCallOutput(fc: FunctionCompiler, call: import("../../runtime/ir/Graph.js").Node, node: ts.CallExpression): Value | undefined {
  const type = assertedResultType(fc, node) ?? fc.checker.getTypeAtLocation(node);
  if (type.flags & (fc.ts.TypeFlags.Void | fc.ts.TypeFlags.Undefined)) return fc.constant(null, NoneType, node);
  const result = irTypeOf(fc.ts, fc.checker, type);
  if (!result.ok) {
    fc.report("unsupportedType", node, [fc.checker.typeToString(type)]);
    return undefined;
  }
  return call.addOutput(result.type);
}

/**
 * `m.forward(x) as Tensor` where m is typed as a plain nn.Module (a ModuleList element,
 * a field holding a traced module): Module.forward returns unknown, so the result type is
 * the one the code asserts. The value is still checked where it is used.
 */
function assertedResultType(fc: FunctionCompiler, node: ts.CallExpression): ts.Type | undefined {
  const tsi = fc.ts;
  const own = fc.checker.getTypeAtLocation(node);
  if (!(own.flags & (tsi.TypeFlags.Unknown | tsi.TypeFlags.Any))) return undefined;
  let outer: ts.Node = node;
  while (outer.parent && tsi.isParenthesizedExpression(outer.parent)) outer = outer.parent;
  const parent = outer.parent;
  if (parent && (tsi.isAsExpression(parent) || tsi.isTypeAssertionExpression(parent)) && parent.expression === outer) return fc.checker.getTypeFromTypeNode(parent.type);
  return undefined;
}

function emitMemberCall(fc: FunctionCompiler, node: ts.CallExpression, callee: ts.PropertyAccessExpression): Value | undefined {
  const tsi = fc.ts;
  const name = callee.name.text;
  if (tsi.isIdentifier(callee.expression) && callee.expression.text === "Math" && isLibSymbol(fc, callee.expression)) return emitMath(fc, node, name);
  // this.helper(x): another method of this class
  if (isThis(fc, callee.expression)) {
    const symbol = fc.checker.getSymbolAtLocation(callee.name);
    const declaration = symbol?.valueDeclaration;
    if (symbol && symbol.flags & tsi.SymbolFlags.Method && declaration && tsi.isMethodDeclaration(declaration) && declaration.body && !declaration.getSourceFile().isDeclarationFile && !isTsjitDeclaration(declaration)) {
      if (!fc.self) {
        fc.report("thisValue", callee.expression);
        return undefined;
      }
      if (!fc.pc.compileCallee({ kind: "method", declaration, name }, callee)) return undefined;
      const args = emitCallArguments(fc, node, declaration);
      if (!args) return undefined;
      const call = fc.append("prim::CallMethod", [fc.self, ...args], node);
      call.setAttribute("name", name);
      return addCallOutput(fc, call, node);
    }
  }
  if (tsi.isIdentifier(callee.expression)) {
    const s = fc.checker.getSymbolAtLocation(callee.expression);
    if (!s || (!fc.env.has(s) && !fc.poisoned.has(s))) {
      fc.report("unknownCall", callee, [callee.getText()]);
      return undefined;
    }
  }
  const receiverType = typeOfNode(fc, callee.expression);
  if (isModuleType(tsi, fc.checker, receiverType)) {
    const module = emitExpression(fc, callee.expression);
    if (!module) return undefined;
    if (module.type.kind !== "Module") {
      fc.report("unknownCall", callee, [callee.getText()]);
      return undefined;
    }
    const args: Value[] = [];
    for (const arg of node.arguments) {
      const value = emitExpression(fc, arg);
      if (!value) return undefined;
      args.push(value);
    }
    const call = fc.append("prim::CallMethod", [module, ...args], node);
    call.setAttribute("name", name);
    return addCallOutput(fc, call, node);
  }
  if (isTensorType(tsi, fc.checker, receiverType)) return emitTensorMethod(fc, node, callee);
  const receiver = emitExpression(fc, callee.expression);
  if (!receiver) return undefined;
  if (receiver.type.kind === "List" && name === "push") {
    const overload = listOverload(receiver.type.element);
    if (node.arguments.length !== 1 || !overload) {
      fc.report("unknownMember", callee.name, ["push with several arguments", describeType(receiver.type)]);
      return undefined;
    }
    const item = emitExpression(fc, node.arguments[0]!);
    if (!item) return undefined;
    if (!acceptsArgument(item.type, { kind: "List", element: schemaOf(receiver.type.element) }.element)) {
      fc.report("typeMismatch", node.arguments[0]!, ["an array element", describeType(receiver.type.element), describeType(item.type)]);
      return undefined;
    }
    fc.op1(`aten::append.${overload}`, [receiver, item], receiver.type, node);
    return fc.op1(`aten::len.${overload}`, [receiver], IntType, node);
  }
  fc.report("unknownMember", callee.name, [`${name}()`, describeType(receiver.type)]);
  return undefined;
}

function schemaOf(type: IRType): SchemaType {
  switch (type.kind) {
    case "List":
      return { kind: "List", element: schemaOf(type.element) };
    case "Optional":
      return { kind: "Optional", inner: schemaOf(type.inner) };
    case "Tensor":
    case "int":
    case "float":
    case "bool":
    case "str":
    case "ScalarType":
      return { kind: type.kind };
    default:
      return { kind: "Tensor" };
  }
}

const MATH_UNARY = new Set(["floor", "ceil", "round", "trunc", "sqrt", "exp", "log", "sin", "cos", "tanh", "sign", "abs"]);

function emitMath(fc: FunctionCompiler, node: ts.CallExpression, name: string): Value | undefined {
  const args: Value[] = [];
  for (const arg of node.arguments) {
    const value = emitExpression(fc, arg);
    if (!value) return undefined;
    if (!isNumber(value.type)) {
      fc.report("opArguments", arg, [`Math.${name}`, describeType(value.type), "Math functions take numbers"]);
      return undefined;
    }
    args.push(value);
  }
  const allInt = args.every((a) => a.type.kind === "int");
  if (MATH_UNARY.has(name) && args.length === 1) {
    const a = args[0]!;
    if (name === "abs") return fc.op1(`aten::abs.${a.type.kind}`, [a], a.type, node);
    if (["floor", "ceil", "round", "trunc"].includes(name) && a.type.kind === "int") return a;
    return fc.op1(`aten::${name}.float`, [a], ["floor", "ceil", "round", "trunc"].includes(name) ? IntType : FloatType, node);
  }
  if (name === "pow" && args.length === 2) return fc.op1("aten::pow.float", args, FloatType, node);
  if ((name === "max" || name === "min") && args.length >= 2) {
    let acc = args[0]!;
    for (const next of args.slice(1)) {
      const kind = acc.type.kind === "int" && next.type.kind === "int" ? "int" : "float";
      acc = fc.op1(`aten::${name}.${kind}`, [acc, next], kind === "int" ? IntType : FloatType, node);
    }
    return acc;
  }
  void allInt;
  fc.report("unknownCall", node.expression, [`Math.${name} with ${args.length} argument(s)`]);
  return undefined;
}

function emitTensorMethod(fc: FunctionCompiler, node: ts.CallExpression, callee: ts.PropertyAccessExpression): Value | undefined {
  const name = callee.name.text;
  const special = ["size", "dim", "item", "numel"];
  if (special.includes(name)) {
    const receiver = emitExpression(fc, callee.expression);
    if (!receiver) return undefined;
    const args: Value[] = [];
    for (const arg of node.arguments) {
      const v = emitExpression(fc, arg);
      if (!v) return undefined;
      const i = toInt(fc, v, arg);
      if (!i) return undefined;
      args.push(i);
    }
    if (name === "size" && args.length === 1) return fc.op1("aten::size.int", [receiver, args[0]!], IntType, node);
    if (name === "size" && args.length === 0) return fc.op1("aten::size", [receiver], listOf(IntType), node);
    if (name === "dim" && args.length === 0) return fc.op1("aten::dim", [receiver], IntType, node);
    if (name === "numel" && args.length === 0) return fc.op1("aten::numel", [receiver], IntType, node);
    if (name === "item" && args.length === 0) return fc.op1("aten::Float.Tensor", [receiver], FloatType, node);
    fc.report("opArguments", node, [name, args.map((a) => describeType(a.type)).join(", "), "wrong number of arguments"]);
    return undefined;
  }
  const overloads = opsNamed(name).filter((o) => o.method);
  if (overloads.length === 0) {
    fc.report("unknownMember", callee.name, [`${name}()`, "Tensor"]);
    return undefined;
  }
  const receiver = emitExpression(fc, callee.expression);
  if (!receiver) return undefined;
  return emitOpCall(fc, name, overloads, receiver, node.arguments, node);
}

// ---------------------------------------------------------------------------
// Binding op calls to schemas

/** An evaluated argument; array literals and string literals stay unbuilt until the overload is chosen. */
interface Arg {
  readonly node: ts.Node;
  readonly value?: Value;
  readonly elements?: readonly Arg[];
  readonly literal?: string;
}

type Step =
  | { readonly kind: "value"; readonly arg: Arg; readonly type: SchemaType }
  | { readonly kind: "default"; readonly arg: SchemaArgument };

type Plan = { readonly ok: true; readonly steps: Step[]; readonly coerced: boolean } | { readonly ok: false; readonly reason: string };

function evaluateArg(fc: FunctionCompiler, node: ts.Expression): Arg | undefined {
  const tsi = fc.ts;
  let inner = node;
  while (tsi.isParenthesizedExpression(inner) || tsi.isAsExpression(inner)) inner = inner.expression;
  if (tsi.isStringLiteral(inner) || tsi.isNoSubstitutionTemplateLiteral(inner)) return { node, literal: inner.text };
  if (tsi.isArrayLiteralExpression(inner) && !fc.checker.isTupleType(fc.checker.getTypeAtLocation(inner))) {
    const elements: Arg[] = [];
    for (const element of inner.elements) {
      if (tsi.isSpreadElement(element)) {
        fc.report("spread", element);
        return undefined;
      }
      const arg = evaluateArg(fc, element);
      if (!arg) return undefined;
      elements.push(arg);
    }
    return { node, elements };
  }
  const value = emitExpression(fc, node);
  return value && { node, value };
}

function describeArg(arg: Arg): string {
  if (arg.literal !== undefined) return JSON.stringify(arg.literal);
  if (arg.elements) return `[${arg.elements.map(describeArg).join(", ")}]`;
  const type = arg.value!.type;
  return type.kind === "int" || type.kind === "float" ? "number" : describeType(type).replace(/^an? /, "");
}

/** "exact", "coerce" (a number where an int is expected, or one int for int[N]) or false. */
function fits(arg: Arg, type: SchemaType): "exact" | "coerce" | false {
  if (arg.value && acceptsArgument(arg.value.type, type)) return "exact";
  if (type.kind === "Optional") {
    if (arg.value && arg.value.type.kind === "None") return "exact";
    return fits(arg, type.inner);
  }
  if (arg.literal !== undefined) {
    if (type.kind === "str") return "exact";
    if (type.kind === "ScalarType" && isDType(arg.literal)) return "exact";
    return false;
  }
  if (arg.elements) {
    if (type.kind !== "List") return false;
    let result: "exact" | "coerce" = "exact";
    for (const element of arg.elements) {
      const f = fits(element, type.element);
      if (!f) return false;
      if (f === "coerce") result = "coerce";
    }
    return result;
  }
  const actual = arg.value!.type;
  if (acceptsArgument(actual, type)) return "exact";
  if (type.kind === "int" && actual.kind === "float") return "coerce";
  if (type.kind === "List" && type.element.kind === "int" && isNumber(actual)) return "coerce";
  return false;
}

function planCall(op: OpDef, positional: readonly Arg[], options: ReadonlyMap<string, Arg>): Plan {
  const params = op.parsed.arguments;
  const positionalParams = params.filter((p) => !p.keywordOnly).length;
  let args = [...positional];
  // PyTorch's varargs for the last positional int[]: x.reshape(b, -1), x.permute(2, 0, 1).
  const lastType = params[positionalParams - 1]?.type;
  if (lastType?.kind === "List" && lastType.element.kind === "int" && args.length > positionalParams) {
    const rest = args.slice(positionalParams - 1);
    if (rest.every((a) => a.value && isNumber(a.value.type))) args = [...args.slice(0, positionalParams - 1), { node: rest[0]!.node, elements: rest }];
  }
  if (args.length > positionalParams) return { ok: false, reason: `takes at most ${positionalParams} positional arguments but ${args.length} were given` };
  const byName = new Map(params.map((p) => [camelCase(p.name), p] as const));
  for (const key of options.keys()) {
    const param = byName.get(key);
    if (!param) return { ok: false, reason: `got an unexpected option '${key}' (expected one of: ${[...byName.keys()].join(", ")})` };
    if (args[params.indexOf(param)] !== undefined) return { ok: false, reason: `got argument '${key}' both by position and as an option` };
  }
  const steps: Step[] = [];
  let coerced = false;
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    const arg = args[i] ?? options.get(camelCase(param.name));
    if (arg === undefined) {
      if (!("default" in param)) return { ok: false, reason: `missing required argument '${param.name}' (${formatType(param.type)})` };
      steps.push({ kind: "default", arg: param });
      continue;
    }
    const f = fits(arg, param.type);
    if (!f) return { ok: false, reason: `argument '${param.name}' must be ${formatType(param.type)}, got ${describeArg(arg)}` };
    if (f === "coerce") coerced = true;
    steps.push({ kind: "value", arg, type: param.type });
  }
  return { ok: true, steps, coerced };
}

export function emitOpCall(fc: FunctionCompiler, name: string, overloads: readonly OpDef[], receiver: Value | undefined, argNodes: readonly ts.Expression[], node: ts.CallExpression): Value | undefined {
  const tsi = fc.ts;
  const positional: Arg[] = receiver ? [{ node: node.expression, value: receiver }] : [];
  const options = new Map<string, Arg>();
  let failed = false;
  argNodes.forEach((argNode, i) => {
    if (i === argNodes.length - 1 && tsi.isObjectLiteralExpression(argNode)) {
      for (const prop of argNode.properties) {
        if (tsi.isPropertyAssignment(prop) && (tsi.isIdentifier(prop.name) || tsi.isStringLiteral(prop.name))) {
          const arg = evaluateArg(fc, prop.initializer);
          if (arg) options.set(prop.name.text, arg);
          else failed = true;
        } else if (tsi.isShorthandPropertyAssignment(prop)) {
          const arg = evaluateArg(fc, prop.name);
          if (arg) options.set(prop.name.text, arg);
          else failed = true;
        } else {
          fc.report("objectLiteral", prop);
          failed = true;
        }
      }
      return;
    }
    const arg = evaluateArg(fc, argNode);
    if (arg) positional.push(arg);
    else failed = true;
  });
  if (failed) return undefined;
  const plans = overloads.map((op) => ({ op, plan: planCall(op, positional, options) }));
  const chosen = plans.find((p) => p.plan.ok && !p.plan.coerced) ?? plans.find((p) => p.plan.ok);
  if (!chosen || !chosen.plan.ok) {
    const given = [...positional.map(describeArg), ...[...options].map(([k, a]) => `${k}: ${describeArg(a)}`)].join(", ");
    const reasons = plans.map((p) => `${p.op.parsed.text}: ${p.plan.ok ? "ok" : p.plan.reason}`).join("; ");
    fc.report("opArguments", node, [receiver ? `Tensor.${name}` : name, given, reasons]);
    return undefined;
  }
  const inputs: Value[] = [];
  for (const step of chosen.plan.steps) {
    const value = step.kind === "default" ? defaultValue(fc, step.arg, node) : buildArg(fc, step.arg, step.type);
    if (!value) return undefined;
    inputs.push(value);
  }
  const returns = chosen.op.parsed.returns.map((r) => fromSchemaType(r.type));
  const outputs = fc.op(nodeKindOf(chosen.op), inputs, returns, node);
  if (outputs.length === 1) return outputs[0];
  return fc.append("prim::TupleConstruct", outputs, node).addOutput(tupleOf(returns));
}

function defaultValue(fc: FunctionCompiler, param: SchemaArgument, at: ts.Node): Value {
  const value = param.default!;
  const type = param.type.kind === "Optional" && value !== null ? param.type.inner : param.type;
  if (value === null) return fc.constant(null, NoneType, at);
  if (typeof value === "boolean") return fc.constant(value, BoolType, at);
  if (typeof value === "string") return fc.constant(value, type.kind === "ScalarType" ? ScalarTypeType : StrType, at);
  if (typeof value === "number") {
    if (type.kind === "List") return fc.constant(new Array<number>(type.size ?? 1).fill(value), listOf(IntType), at);
    return fc.constant(value, type.kind === "int" || (type.kind === "Scalar" && Number.isInteger(value)) ? IntType : FloatType, at);
  }
  const element = type.kind === "List" && type.element.kind === "float" ? FloatType : IntType;
  return fc.constant([...value], listOf(element), at);
}

function buildArg(fc: FunctionCompiler, arg: Arg, type: SchemaType): Value | undefined {
  if (arg.value && acceptsArgument(arg.value.type, type)) return arg.value;
  const target = type.kind === "Optional" && !(arg.value && arg.value.type.kind === "None") ? type.inner : type;
  if (arg.literal !== undefined) return fc.constant(arg.literal, target.kind === "ScalarType" ? ScalarTypeType : StrType, arg.node);
  if (arg.elements) {
    const elementType = target.kind === "List" ? target.element : { kind: "Tensor" as const };
    const values: Value[] = [];
    for (const element of arg.elements) {
      const v = buildArg(fc, element, elementType);
      if (!v) return undefined;
      values.push(v);
    }
    const irElement = elementType.kind === "Scalar" ? FloatType : fromSchemaType(elementType);
    return fc.append("prim::ListConstruct", values, arg.node).addOutput(listOf(irElement));
  }
  const value = arg.value!;
  if (acceptsArgument(value.type, target)) return value;
  if (target.kind === "int" && value.type.kind === "float") return fc.op1("aten::Int.float", [value], IntType, arg.node);
  if (target.kind === "List" && target.element.kind === "int" && isNumber(value.type)) {
    const item = value.type.kind === "int" ? value : fc.op1("aten::Int.float", [value], IntType, arg.node);
    return fc.append("prim::ListConstruct", new Array<Value>(target.size ?? 1).fill(item), arg.node).addOutput(listOf(IntType));
  }
  fc.report("internalError", arg.node, [`cannot pass ${describeType(value.type)} as ${formatType(type)}`]);
  return undefined;
}

export { TensorType, moduleType };
