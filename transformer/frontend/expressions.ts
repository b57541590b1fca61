/**
 * Expressions → SSA values: literals, variables, number/boolean/string operators with
 * JavaScript semantics (int/float inferred per DESIGN §3), assignments, array
 * literals (lists, or tuples where the checker says tuple), element and property
 * reads. Calls are in calls.ts; `?:`, `&&`, `||` in controlFlow.ts.
 * Every function returns undefined after reporting a diagnostic.
 */
import type * as ts from "typescript";
import type { Value } from "../../runtime/ir/Graph.js";
import { BoolType, FloatType, IntType, listOf, NoneType, StrType, tupleOf, type IRType } from "../../runtime/ir/types.js";
import { emitCall, emitElementAccess, emitPropertyAccess, listOverload } from "./calls.js";
import type { FunctionCompiler, Key } from "./context.js";
import { emitConditional, emitLogical } from "./controlFlow.js";
import { symbolAt } from "./sites.js";
import { describeType, irTypeOf, joinTypes } from "./types.js";

export function emitExpression(fc: FunctionCompiler, node: ts.Expression): Value | undefined {
  const tsi = fc.ts;
  const SK = tsi.SyntaxKind;
  if (tsi.isParenthesizedExpression(node) || tsi.isAsExpression(node) || tsi.isSatisfiesExpression(node) || tsi.isTypeAssertionExpression(node)) {
    return emitExpression(fc, node.expression);
  }
  if (tsi.isNonNullExpression(node)) {
    const value = emitExpression(fc, node.expression);
    return value && unwrapOptional(fc, value, node);
  }
  if (tsi.isNumericLiteral(node)) return numberConstant(fc, node.text, node);
  if (tsi.isStringLiteral(node) || tsi.isNoSubstitutionTemplateLiteral(node)) return fc.constant(node.text, StrType, node);
  if (tsi.isTemplateExpression(node)) return emitTemplate(fc, node);
  if (node.kind === SK.TrueKeyword || node.kind === SK.FalseKeyword) return fc.constant(node.kind === SK.TrueKeyword, BoolType, node);
  if (node.kind === SK.NullKeyword) return fc.constant(null, NoneType, node);
  if (tsi.isIdentifier(node)) return emitIdentifier(fc, node);
  if (node.kind === SK.ThisKeyword) {
    fc.report("thisValue", node);
    return undefined;
  }
  if (isOptionalChain(fc, node)) {
    fc.report("optionalChaining", node);
    return undefined;
  }
  if (tsi.isPropertyAccessExpression(node)) return emitPropertyAccess(fc, node);
  if (tsi.isElementAccessExpression(node)) return emitElementAccess(fc, node);
  if (tsi.isCallExpression(node)) return emitCall(fc, node);
  if (tsi.isPrefixUnaryExpression(node)) return emitPrefixUnary(fc, node);
  if (tsi.isPostfixUnaryExpression(node)) return emitIncrement(fc, node, node.operand, node.operator === SK.PlusPlusToken ? "+" : "-", true);
  if (tsi.isBinaryExpression(node)) return emitBinary(fc, node);
  if (tsi.isConditionalExpression(node)) return emitConditional(fc, node);
  if (tsi.isArrayLiteralExpression(node)) return emitArrayLiteral(fc, node);
  if (tsi.isArrowFunction(node) || tsi.isFunctionExpression(node)) fc.report("arrowFunction", node);
  else if (tsi.isObjectLiteralExpression(node)) fc.report("objectLiteral", node);
  else if (tsi.isSpreadElement(node)) fc.report("spread", node);
  else if (tsi.isTypeOfExpression(node)) fc.report("typeofOperator", node);
  else if (tsi.isDeleteExpression(node)) fc.report("deleteOperator", node);
  else if (tsi.isAwaitExpression(node)) fc.report("asyncCode", node);
  else if (tsi.isYieldExpression(node)) fc.report("generator", node);
  else if (tsi.isClassExpression(node)) fc.report("classDeclaration", node);
  else if (tsi.isNewExpression(node)) fc.report("newExpression", node, [node.expression.getText()]);
  else fc.report("unsupportedExpression", node, [`this expression (${node.getText().slice(0, 40)})`]);
  return undefined;
}

function isOptionalChain(fc: FunctionCompiler, node: ts.Node): boolean {
  return (node.flags & fc.ts.NodeFlags.OptionalChain) !== 0;
}

export function numberConstant(fc: FunctionCompiler, text: string, node: ts.Node, negate = false): Value {
  const clean = text.replace(/_/g, "");
  const value = (negate ? -1 : 1) * Number(clean);
  const isInt = /^(0[xXbBoO][0-9a-fA-F]+|\d+)$/.test(clean) && Number.isSafeInteger(value);
  return fc.constant(Object.is(value, -0) ? 0 : value, isInt ? IntType : FloatType, node);
}

function emitTemplate(fc: FunctionCompiler, node: ts.TemplateExpression): Value | undefined {
  let acc: Value = fc.constant(node.head.text, StrType, node);
  for (const span of node.templateSpans) {
    const part = emitExpression(fc, span.expression);
    if (!part) return undefined;
    const text = toStr(fc, part, span.expression);
    if (!text) return undefined;
    acc = fc.op1("aten::add.str", [acc, text], StrType, span);
    if (span.literal.text !== "") acc = fc.op1("aten::add.str", [acc, fc.constant(span.literal.text, StrType, span.literal)], StrType, span);
  }
  return acc;
}

/** A value as a string (template literals, `"a" + n`). */
function toStr(fc: FunctionCompiler, value: Value, node: ts.Node): Value | undefined {
  const kind = value.type.kind;
  if (kind === "str") return value;
  if (kind === "int" || kind === "float" || kind === "bool") return fc.op1(`aten::str.${kind}`, [value], StrType, node);
  fc.report("unsupportedOperator", node, ["string conversion (\"s\" + v, `${v}`)", describeType(value.type), "convert numbers, booleans and strings only; for a one-element Tensor convert x.item()"]);
  return undefined;
}

function emitIdentifier(fc: FunctionCompiler, node: ts.Identifier): Value | undefined {
  const tsi = fc.ts;
  if (node.text === "undefined") return fc.constant(null, NoneType, node);
  if (node.text === "NaN" || node.text === "Infinity") return fc.constant(node.text === "NaN" ? NaN : Infinity, FloatType, node);
  const symbol = symbolAt(tsi, fc.checker, node);
  const raw = fc.checker.getSymbolAtLocation(node);
  for (const key of [raw, symbol]) {
    if (!key) continue;
    const value = fc.lookup(key);
    if (value) return value;
    if (fc.poisoned.has(key)) return undefined;
  }
  // A module-level const with a literal value is inlined, as TorchScript treats globals.
  const declaration = symbol?.valueDeclaration;
  if (declaration && tsi.isVariableDeclaration(declaration) && declaration.initializer && isModuleLevelConst(tsi, declaration)) {
    const init = declaration.initializer;
    if (tsi.isNumericLiteral(init)) return numberConstant(fc, init.text, node);
    if (tsi.isPrefixUnaryExpression(init) && init.operator === tsi.SyntaxKind.MinusToken && tsi.isNumericLiteral(init.operand)) return numberConstant(fc, init.operand.text, node, true);
    if (tsi.isStringLiteral(init)) return fc.constant(init.text, StrType, node);
    if (init.kind === tsi.SyntaxKind.TrueKeyword || init.kind === tsi.SyntaxKind.FalseKeyword) return fc.constant(init.kind === tsi.SyntaxKind.TrueKeyword, BoolType, node);
  }
  if (symbol && symbol.flags & (tsi.SymbolFlags.Function | tsi.SymbolFlags.Class)) {
    fc.report("unsupportedExpression", node, [`using '${node.text}' as a value`]);
    return undefined;
  }
  fc.report("closureCapture", node, [node.text]);
  return undefined;
}

function isModuleLevelConst(tsi: typeof ts, declaration: ts.VariableDeclaration): boolean {
  const list = declaration.parent;
  return tsi.isVariableDeclarationList(list) && (list.flags & tsi.NodeFlags.Const) !== 0 && tsi.isVariableStatement(list.parent) && tsi.isSourceFile(list.parent.parent);
}

export function unwrapOptional(fc: FunctionCompiler, value: Value, node: ts.Node): Value | undefined {
  if (value.type.kind !== "Optional") return value;
  const inner = value.type.inner;
  if (!["Tensor", "int", "float", "bool", "str"].includes(inner.kind)) {
    fc.report("unsupportedType", node, [`${describeType(value.type)} (only optional Tensors, numbers, booleans and strings can be refined)`]);
    return undefined;
  }
  return fc.op1(`aten::unwrap_optional.${inner.kind}`, [value], inner, node);
}

export function isNumber(type: IRType): boolean {
  return type.kind === "int" || type.kind === "float";
}

function emitPrefixUnary(fc: FunctionCompiler, node: ts.PrefixUnaryExpression): Value | undefined {
  const SK = fc.ts.SyntaxKind;
  switch (node.operator) {
    case SK.MinusToken: {
      if (fc.ts.isNumericLiteral(node.operand)) return numberConstant(fc, node.operand.text, node, true);
      const value = emitExpression(fc, node.operand);
      if (!value) return undefined;
      if (!isNumber(value.type)) return badOperator(fc, node, "-", value.type);
      return fc.op1(`aten::neg.${value.type.kind}`, [value], value.type, node);
    }
    case SK.PlusToken: {
      const value = emitExpression(fc, node.operand);
      if (value && !isNumber(value.type)) return badOperator(fc, node, "+", value.type);
      return value;
    }
    case SK.ExclamationToken: {
      const value = emitExpression(fc, node.operand);
      if (!value) return undefined;
      if (value.type.kind === "Optional") return fc.op1(`aten::is_none.${value.type.inner.kind}`, [value], BoolType, node);
      if (value.type.kind !== "bool") return badOperator(fc, node, "!", value.type);
      return fc.op1("aten::__not__", [value], BoolType, node);
    }
    case SK.PlusPlusToken:
    case SK.MinusMinusToken:
      return emitIncrement(fc, node, node.operand, node.operator === SK.PlusPlusToken ? "+" : "-", false);
    default:
      fc.report("unsupportedOperator", node, [fc.ts.tokenToString(node.operator) ?? "?", "this value", "use arithmetic on numbers"]);
      return undefined;
  }
}

function badOperator(fc: FunctionCompiler, node: ts.Node, op: string, type: IRType): undefined {
  const fix = type.kind === "Tensor" ? "call the op instead: add(a, b), sub(a, b), mul(a, b), div(a, b), neg(x), lt(a, b), ..." : "use numbers (or booleans for !, &&, ||)";
  fc.report("unsupportedOperator", node, [op, describeType(type), fix]);
  return undefined;
}

function emitIncrement(fc: FunctionCompiler, node: ts.Node, operand: ts.Expression, op: "+" | "-", postfix: boolean): Value | undefined {
  const key = assignableKey(fc, operand);
  if (!key) return undefined;
  const old = emitExpression(fc, operand);
  if (!old) return undefined;
  if (!isNumber(old.type)) return badOperator(fc, node, op + op, old.type);
  const one = fc.constant(1, IntType, node);
  const updated = arithmetic(fc, op, old, one, node);
  fc.assign(key, updated);
  return postfix ? old : updated;
}

/** The env key an assignment target names, or undefined after a diagnostic. */
export function assignableKey(fc: FunctionCompiler, target: ts.Expression): Key | undefined {
  const tsi = fc.ts;
  let inner: ts.Expression = target;
  while (tsi.isParenthesizedExpression(inner)) inner = inner.expression;
  if (tsi.isIdentifier(inner)) {
    const symbol = fc.checker.getSymbolAtLocation(inner);
    if (symbol && (fc.env.has(symbol) || fc.poisoned.has(symbol))) return symbol;
    fc.report("closureCapture", inner, [inner.text]);
    return undefined;
  }
  if (tsi.isPropertyAccessExpression(inner) && inner.expression.kind === tsi.SyntaxKind.ThisKeyword) {
    fc.report("moduleMutation", inner, [inner.name.text]);
    return undefined;
  }
  if (tsi.isArrayLiteralExpression(inner) || tsi.isObjectLiteralExpression(inner)) {
    fc.report("destructuring", inner);
    return undefined;
  }
  fc.report("elementAssignment", inner, [inner.getText().slice(0, 40)]);
  return undefined;
}

const ARITHMETIC: Record<string, string> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "fmod", "**": "pow" };
const COMPARISON: Record<string, string> = { "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "===": "eq", "!==": "ne" };

export function arithmetic(fc: FunctionCompiler, op: string, a: Value, b: Value, node: ts.Node): Value | undefined {
  if (op === "+" && (a.type.kind === "str" || b.type.kind === "str")) {
    const left = toStr(fc, a, node);
    const right = toStr(fc, b, node);
    return left && right && fc.op1("aten::add.str", [left, right], StrType, node);
  }
  for (const v of [a, b]) if (!isNumber(v.type)) return badOperator(fc, node, op, v.type);
  const name = ARITHMETIC[op]!;
  const bothInt = a.type.kind === "int" && b.type.kind === "int";
  if (name === "pow") return fc.op1("aten::pow.float", [a, b], FloatType, node);
  if (name === "div") return fc.op1(`aten::div.${bothInt ? "int" : "float"}`, [a, b], FloatType, node);
  const kind = bothInt ? "int" : "float";
  return fc.op1(`aten::${name}.${kind}`, [a, b], bothInt ? IntType : FloatType, node);
}

function isNullLiteral(fc: FunctionCompiler, node: ts.Expression): boolean {
  const tsi = fc.ts;
  let inner = node;
  while (tsi.isParenthesizedExpression(inner)) inner = inner.expression;
  return inner.kind === tsi.SyntaxKind.NullKeyword || (tsi.isIdentifier(inner) && inner.text === "undefined");
}

function emitBinary(fc: FunctionCompiler, node: ts.BinaryExpression): Value | undefined {
  const tsi = fc.ts;
  const SK = tsi.SyntaxKind;
  const kind = node.operatorToken.kind;
  const opText = tsi.tokenToString(kind) ?? "?";
  if (kind === SK.EqualsToken) {
    const key = assignableKey(fc, node.left);
    if (!key) {
      emitExpression(fc, node.right);
      return undefined;
    }
    const value = emitExpression(fc, node.right);
    fc.assign(key, value);
    return value;
  }
  const compound: Partial<Record<number, string>> = {
    [SK.PlusEqualsToken]: "+",
    [SK.MinusEqualsToken]: "-",
    [SK.AsteriskEqualsToken]: "*",
    [SK.SlashEqualsToken]: "/",
    [SK.PercentEqualsToken]: "%",
    [SK.AsteriskAsteriskEqualsToken]: "**",
  };
  if (compound[kind]) {
    const key = assignableKey(fc, node.left);
    if (!key) return undefined;
    const old = emitExpression(fc, node.left);
    const right = emitExpression(fc, node.right);
    const value = old && right ? arithmetic(fc, compound[kind]!, old, right, node) : undefined;
    fc.assign(key, value);
    return value;
  }
  if (kind === SK.AmpersandAmpersandToken || kind === SK.BarBarToken) return emitLogical(fc, node);
  if (kind === SK.QuestionQuestionToken || kind === SK.QuestionQuestionEqualsToken) {
    fc.report("optionalChaining", node.operatorToken);
    return undefined;
  }
  const isEquality = kind === SK.EqualsEqualsEqualsToken || kind === SK.ExclamationEqualsEqualsToken || kind === SK.EqualsEqualsToken || kind === SK.ExclamationEqualsToken;
  const negated = kind === SK.ExclamationEqualsEqualsToken || kind === SK.ExclamationEqualsToken;
  if (isEquality && (isNullLiteral(fc, node.left) || isNullLiteral(fc, node.right))) {
    const other = isNullLiteral(fc, node.left) ? node.right : node.left;
    const value = emitExpression(fc, other);
    if (!value) return undefined;
    let isNone: Value;
    if (value.type.kind === "None") isNone = fc.constant(true, BoolType, node);
    else if (value.type.kind === "Optional") isNone = fc.op1(`aten::is_none.${value.type.inner.kind}`, [value], BoolType, node);
    else isNone = fc.constant(false, BoolType, node);
    return negated ? fc.op1("aten::__not__", [isNone], BoolType, node) : isNone;
  }
  if (kind === SK.EqualsEqualsToken || kind === SK.ExclamationEqualsToken) {
    fc.report("looseEquality", node.operatorToken, [opText]);
    return undefined;
  }
  if (ARITHMETIC[opText] !== undefined || COMPARISON[opText] !== undefined) {
    const a = emitExpression(fc, node.left);
    const b = emitExpression(fc, node.right);
    if (!a || !b) return undefined;
    if (ARITHMETIC[opText] !== undefined) return arithmetic(fc, opText, a, b, node);
    return compare(fc, opText, a, b, node);
  }
  if (kind === SK.CommaToken) fc.report("unsupportedExpression", node, ["the comma operator"]);
  else if (kind === SK.InKeyword || kind === SK.InstanceOfKeyword) fc.report("unsupportedExpression", node, [`'${opText}'`]);
  else fc.report("unsupportedOperator", node.operatorToken, [opText, "values in @script code", "use arithmetic (+ - * / % **), comparisons and && || !"]);
  return undefined;
}

function compare(fc: FunctionCompiler, opText: string, a: Value, b: Value, node: ts.Node): Value | undefined {
  const name = COMPARISON[opText]!;
  if (isNumber(a.type) && isNumber(b.type)) {
    const kind = a.type.kind === "int" && b.type.kind === "int" ? "int" : "float";
    return fc.op1(`aten::${name}.${kind}`, [a, b], BoolType, node);
  }
  if ((name === "eq" || name === "ne") && a.type.kind === b.type.kind && (a.type.kind === "bool" || a.type.kind === "str")) {
    return fc.op1(`aten::${name}.${a.type.kind}`, [a, b], BoolType, node);
  }
  const bad = isNumber(a.type) ? b : a;
  if (bad.type.kind === "Tensor" && name !== "eq" && name !== "ne") {
    fc.report("tensorComparison", node, [opText, name]);
    return undefined;
  }
  return badOperator(fc, node, opText, bad.type);
}

/** An array literal: a tuple where the checker types it as one, else a list of the elements' common type. */
function emitArrayLiteral(fc: FunctionCompiler, node: ts.ArrayLiteralExpression): Value | undefined {
  const tsi = fc.ts;
  const checker = fc.checker;
  const contextual = checker.getContextualType(node);
  const own = checker.getTypeAtLocation(node);
  const wantTuple = (contextual && checker.isTupleType(contextual)) || checker.isTupleType(own);
  const values: Value[] = [];
  let failed = false;
  for (const element of node.elements) {
    if (tsi.isSpreadElement(element)) {
      fc.report("spread", element);
      failed = true;
      continue;
    }
    const value = emitExpression(fc, element);
    if (!value) failed = true;
    else values.push(value);
  }
  if (failed) return undefined;
  if (wantTuple) {
    return fc.append("prim::TupleConstruct", values, node).addOutput(tupleOf(values.map((v) => v.type)));
  }
  let element: IRType | undefined;
  if (values.length === 0) {
    const declared = irTypeOf(tsi, checker, contextual ?? own);
    if (declared.ok && declared.type.kind === "List") element = declared.type.element;
    else {
      fc.report("unsupportedType", node, ["an empty array without an element type (annotate it: const xs: Tensor[] = [])"]);
      return undefined;
    }
  } else {
    element = values[0]!.type;
    for (const v of values.slice(1)) {
      const joined = joinTypes(element, v.type);
      if (!joined) {
        fc.report("typeMismatch", node, ["an array element", describeType(element), describeType(v.type)]);
        return undefined;
      }
      element = joined;
    }
  }
  if (listOverload(element) === undefined) {
    fc.report("unsupportedType", node, [`an array of ${describeType(element)}`]);
    return undefined;
  }
  return fc.append("prim::ListConstruct", values, node).addOutput(listOf(element));
}
