/**
 * Statements, and the lowering of early exits (DESIGN §3):
 *
 * - Outside loops, an `if` with a `return` in an arm takes the rest of the block
 *   into both arms ("continuation pushing"), so every path ends in a return and the
 *   returned value is an output of the If.
 * - Inside loops, `break`/`continue`/`return` set flags (`$brk`, `$cont`, `$ret` and
 *   `$retval`) that are ordinary variables of the environment, so If merges and
 *   loop carrying handle them; the statements after a possible exit run under
 *   `if (!(brk || cont || ret))`, the loop's condition includes `!brk && !ret`, and
 *   after a loop holding a return, `if ($ret) return $retval` continues the block.
 */
import type * as ts from "typescript";
import type { Value } from "../../runtime/ir/Graph.js";
import { BoolType, IntType, listOf, NoneType, type IRType } from "../../runtime/ir/types.js";
import { listOverload } from "./calls.js";
import type { FunctionCompiler, Key } from "./context.js";
import { applyRefinements, emitCondition, emitIf, emitLoop, type ArmResult } from "./controlFlow.js";
import { emitExpression, unwrapOptional } from "./expressions.js";
import { isTsjitDeclaration } from "./sites.js";
import { classChain, describeType, isModuleType } from "./types.js";

export type Flow = { kind: "fall" } | { kind: "return"; value: Value | undefined } | { kind: "exit" } | { kind: "raise" };

const FALL: Flow = { kind: "fall" };

export function emitStatements(fc: FunctionCompiler, statements: readonly ts.Statement[]): Flow {
  const tsi = fc.ts;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    const rest = statements.slice(i + 1);
    if (fc.loops.length === 0 && tsi.isIfStatement(s) && (containsReturn(fc, s.thenStatement) || (s.elseStatement && containsReturn(fc, s.elseStatement)))) {
      return emitReturningIf(fc, s, rest);
    }
    const flow = emitStatement(fc, s);
    if (flow.kind !== "fall") return flow;
    if (fc.loops.length === 0 && isLoop(fc, s) && containsReturn(fc, s) && fc.usesReturnFlag) return emitAfterReturningLoop(fc, s, rest);
    if (fc.loops.length > 0 && rest.length > 0 && mayExit(fc, s)) {
      const guard = continueGuard(fc, s);
      if (guard) {
        emitIf(fc, guard, s, () => {
          const f = emitStatements(fc, rest);
          return { results: [], raised: f.kind === "raise" };
        }, () => ({ results: [] }));
        return FALL;
      }
    }
  }
  return FALL;
}

function isLoop(fc: FunctionCompiler, s: ts.Node): boolean {
  const tsi = fc.ts;
  return tsi.isForStatement(s) || tsi.isForOfStatement(s) || tsi.isWhileStatement(s);
}

/** `!(brk || cont || ret)` over the flags now in the environment. */
function continueGuard(fc: FunctionCompiler, at: ts.Node): Value | undefined {
  const frame = fc.loops[fc.loops.length - 1]!;
  const flags = [frame.brk, frame.cont, fc.usesReturnFlag ? "$ret" : undefined].filter((k): k is string => k !== undefined && fc.env.has(k)).map((k) => fc.env.get(k)!);
  if (flags.length === 0) return undefined;
  let any = flags[0]!;
  for (const f of flags.slice(1)) any = fc.op1("aten::__or__.bool", [any, f], BoolType, at);
  return fc.op1("aten::__not__", [any], BoolType, at);
}

function walk(fc: FunctionCompiler, node: ts.Node, visit: (n: ts.Node, loopDepth: number) => boolean, loopDepth = 0): boolean {
  const tsi = fc.ts;
  let found = false;
  const go = (n: ts.Node, depth: number): void => {
    if (found) return;
    if (tsi.isFunctionLike(n) || tsi.isClassLike(n)) return;
    if (visit(n, depth)) {
      found = true;
      return;
    }
    const nested = isLoop(fc, n) || tsi.isDoStatement(n) ? depth + 1 : depth;
    n.forEachChild((c) => go(c, nested));
  };
  go(node, loopDepth);
  return found;
}

export function containsReturn(fc: FunctionCompiler, node: ts.Node): boolean {
  return walk(fc, node, (n) => fc.ts.isReturnStatement(n));
}

function containsBreak(fc: FunctionCompiler, node: ts.Node, kind: "break" | "continue"): boolean {
  const tsi = fc.ts;
  return walk(fc, node, (n, depth) => depth === 0 && (kind === "break" ? tsi.isBreakStatement(n) : tsi.isContinueStatement(n)));
}

function mayExit(fc: FunctionCompiler, s: ts.Node): boolean {
  return containsReturn(fc, s) || containsBreak(fc, s, "break") || containsBreak(fc, s, "continue");
}

/** Env keys of the variables (declared before `node`) that `node` assigns. */
export function assignedKeys(fc: FunctionCompiler, node: ts.Node): Set<Key> {
  const tsi = fc.ts;
  const SK = tsi.SyntaxKind;
  const keys = new Set<Key>();
  const add = (e: ts.Expression) => {
    while (tsi.isParenthesizedExpression(e)) e = e.expression;
    if (tsi.isIdentifier(e)) {
      const symbol = fc.checker.getSymbolAtLocation(e);
      if (symbol) keys.add(symbol);
    }
  };
  walk(fc, node, (n) => {
    if (tsi.isBinaryExpression(n) && n.operatorToken.kind >= SK.FirstAssignment && n.operatorToken.kind <= SK.LastAssignment) add(n.left);
    if ((tsi.isPrefixUnaryExpression(n) || tsi.isPostfixUnaryExpression(n)) && (n.operator === SK.PlusPlusToken || n.operator === SK.MinusMinusToken)) add(n.operand);
    return false;
  });
  return keys;
}

function emitReturningIf(fc: FunctionCompiler, s: ts.IfStatement, rest: readonly ts.Statement[]): Flow {
  const { value: cond, refine } = emitCondition(fc, s.expression);
  if (!cond) return { kind: "return", value: undefined };
  const flows: Flow[] = [];
  const arm = (statement: ts.Statement | undefined, keys: Key[]) => (): ArmResult => {
    applyRefinements(fc, keys, statement ?? s);
    const flow = emitStatements(fc, statement ? [statement, ...rest] : rest);
    flows.push(flow);
    if (flow.kind === "fall" && fc.returnType) fc.report("missingReturn", s, [functionName(fc)]);
    return { results: flow.kind === "return" && flow.value ? [flow.value] : [], raised: flow.kind === "raise" };
  };
  const outputs = emitIf(fc, cond, s, arm(s.thenStatement, refine.whenTrue), arm(s.elseStatement, refine.whenFalse), s);
  if (flows.every((f) => f.kind === "raise")) return { kind: "raise" };
  return { kind: "return", value: outputs?.[0] };
}

function functionName(fc: FunctionCompiler): string {
  const name = fc.declaration.name;
  return name && fc.ts.isIdentifier(name) ? name.text : "this function";
}

function emitAfterReturningLoop(fc: FunctionCompiler, loop: ts.Statement, rest: readonly ts.Statement[]): Flow {
  const flag = fc.env.get("$ret")!;
  let failed = false;
  const outputs = emitIf(
    fc,
    flag,
    loop,
    () => {
      const retval = fc.env.get("$retval");
      const value = retval && (retval.type.kind === "None" ? retval : unwrapOptional(fc, retval, loop));
      if (!value) failed = true;
      return { results: value && fc.returnType ? [value] : [] };
    },
    () => {
      const flow = emitStatements(fc, rest);
      if (flow.kind === "fall" && fc.returnType) fc.report("missingReturn", loop, [functionName(fc)]);
      return { results: flow.kind === "return" && flow.value ? [flow.value] : [], raised: flow.kind === "raise" };
    },
  );
  return { kind: "return", value: failed ? undefined : outputs?.[0] };
}

export function emitStatement(fc: FunctionCompiler, s: ts.Statement): Flow {
  const tsi = fc.ts;
  if (tsi.isBlock(s)) return emitStatements(fc, s.statements);
  if (tsi.isEmptyStatement(s)) return FALL;
  if (tsi.isVariableStatement(s)) {
    emitDeclarations(fc, s.declarationList);
    return FALL;
  }
  if (tsi.isExpressionStatement(s)) {
    emitExpression(fc, s.expression);
    return FALL;
  }
  if (tsi.isIfStatement(s)) return emitIfStatement(fc, s);
  if (tsi.isReturnStatement(s)) return emitReturn(fc, s);
  if (tsi.isThrowStatement(s)) return emitThrow(fc, s);
  if (tsi.isBreakStatement(s) || tsi.isContinueStatement(s)) {
    if (s.label) {
      fc.report("labeledStatement", s);
      return FALL;
    }
    const frame = fc.loops[fc.loops.length - 1];
    const key = frame && (tsi.isBreakStatement(s) ? frame.brk : frame.cont);
    if (!key) {
      fc.report("unsupportedStatement", s, ["break/continue outside a loop"]);
      return FALL;
    }
    fc.env.set(key, fc.constant(true, BoolType, s));
    return { kind: "exit" };
  }
  if (tsi.isWhileStatement(s)) return emitWhile(fc, s, s.expression, s.statement, undefined), FALL;
  if (tsi.isForStatement(s)) return emitFor(fc, s), FALL;
  if (tsi.isForOfStatement(s)) return emitForOf(fc, s), FALL;
  if (tsi.isTryStatement(s)) fc.report("tryStatement", s);
  else if (tsi.isLabeledStatement(s)) fc.report("labeledStatement", s);
  else if (tsi.isClassDeclaration(s)) fc.report("classDeclaration", s);
  else if (tsi.isFunctionDeclaration(s)) fc.report("arrowFunction", s);
  else if (tsi.isSwitchStatement(s)) fc.report("unsupportedStatement", s, ["switch"]);
  else if (tsi.isDoStatement(s)) fc.report("unsupportedStatement", s, ["do...while"]);
  else if (tsi.isForInStatement(s)) fc.report("unsupportedStatement", s, ["for...in"]);
  else fc.report("unsupportedStatement", s, ["this statement"]);
  return FALL;
}

function emitDeclarations(fc: FunctionCompiler, list: ts.VariableDeclarationList): void {
  const tsi = fc.ts;
  for (const d of list.declarations) {
    if (!d.initializer) {
      if (tsi.isIdentifier(d.name)) {
        fc.report("uninitializedVariable", d, [d.name.text]);
        const symbol = fc.checker.getSymbolAtLocation(d.name);
        if (symbol) fc.poisoned.add(symbol); // its uses are not reported again
      }
      else fc.report("destructuring", d.name);
      continue;
    }
    if (tsi.isIdentifier(d.name)) {
      const symbol = fc.checker.getSymbolAtLocation(d.name);
      const value = emitExpression(fc, d.initializer);
      if (symbol) fc.assign(symbol, value && widenToDeclared(fc, value, d));
      continue;
    }
    if (tsi.isArrayBindingPattern(d.name)) {
      const value = emitExpression(fc, d.initializer);
      destructure(fc, d.name, value);
      continue;
    }
    fc.report("destructuring", d.name);
  }
}

/** `let y: Tensor | null = x`: the variable is Optional from the start (so merges and loops agree). */
function widenToDeclared(_fc: FunctionCompiler, value: Value, _d: ts.VariableDeclaration): Value {
  return value;
}

function destructure(fc: FunctionCompiler, pattern: ts.ArrayBindingPattern, value: Value | undefined): void {
  const tsi = fc.ts;
  const names: (ts.Symbol | undefined)[] = [];
  for (const element of pattern.elements) {
    if (tsi.isOmittedExpression(element)) {
      names.push(undefined);
      continue;
    }
    if (element.dotDotDotToken || !tsi.isIdentifier(element.name) || element.initializer) {
      fc.report("destructuring", element);
      return;
    }
    names.push(fc.checker.getSymbolAtLocation(element.name));
  }
  const poison = () => names.forEach((s) => s && fc.assign(s, undefined));
  if (!value) return poison();
  let outputs: Value[];
  if (value.type.kind === "Tuple") {
    if (names.length > value.type.elements.length) {
      fc.report("destructuring", pattern);
      return poison();
    }
    const unpack = fc.append("prim::TupleUnpack", [value], pattern);
    outputs = value.type.elements.map((t) => unpack.addOutput(t));
  } else if (value.type.kind === "List") {
    const element = value.type.element;
    const unpack = fc.append("prim::ListUnpack", [value], pattern);
    outputs = names.map(() => unpack.addOutput(element));
  } else {
    fc.report("destructuring", pattern);
    return poison();
  }
  names.forEach((s, i) => {
    if (s) fc.assign(s, outputs[i]);
  });
}

function emitIfStatement(fc: FunctionCompiler, s: ts.IfStatement): Flow {
  const { value: cond, refine } = emitCondition(fc, s.expression);
  if (!cond) {
    emitStatement(fc, s.thenStatement);
    if (s.elseStatement) emitStatement(fc, s.elseStatement);
    return FALL;
  }
  const flows: Flow[] = [];
  const arm = (statement: ts.Statement | undefined, keys: Key[]) => (): ArmResult => {
    applyRefinements(fc, keys, statement ?? s);
    const refined = new Map(keys.map((k) => [k, fc.env.get(k)] as const));
    const flow = statement ? emitStatement(fc, statement) : FALL;
    flows.push(flow);
    // Note [Refinement]: a refined variable the arm did not assign goes back to its unrefined value.
    for (const [k, v] of refined) if (fc.env.get(k) === v) fc.env.delete(k);
    return { results: [], raised: flow.kind === "raise" };
  };
  const before = new Map(fc.env);
  emitIfWithRestore(fc, cond, s, arm(s.thenStatement, refine.whenTrue), arm(s.elseStatement, refine.whenFalse), before);
  if (flows.every((f) => f.kind === "raise")) return { kind: "raise" };
  if (flows.every((f) => f.kind !== "fall")) return { kind: "exit" };
  return FALL;
}

/** emitIf, where an arm that deleted a key (an untouched refinement) gets the value from before the If back. */
function emitIfWithRestore(fc: FunctionCompiler, cond: Value, s: ts.Node, thenArm: () => ArmResult, elseArm: () => ArmResult, before: Map<Key, Value>): void {
  const wrap = (arm: () => ArmResult) => (): ArmResult => {
    const result = arm();
    for (const [k, v] of before) if (!fc.env.has(k) && !fc.poisoned.has(k)) fc.env.set(k, v);
    return result;
  };
  emitIf(fc, cond, s, wrap(thenArm), wrap(elseArm));
}

function emitReturn(fc: FunctionCompiler, s: ts.ReturnStatement): Flow {
  let value: Value | undefined;
  if (s.expression) {
    value = emitExpression(fc, s.expression);
    if (value && fc.returnType && !compatible(value.type, fc.returnType)) {
      fc.report("typeMismatch", s, ["the return value", describeType(fc.returnType), describeType(value.type)]);
    }
  }
  if (fc.loops.length === 0) return { kind: "return", value };
  if (value && fc.returnType) fc.env.set("$retval", value);
  fc.env.set("$ret", fc.constant(true, BoolType, s));
  return { kind: "exit" };
}

function compatible(actual: IRType, declared: IRType): boolean {
  if (JSON.stringify(actual) === JSON.stringify(declared)) return true;
  if (actual.kind === "int" && declared.kind === "float") return true;
  if (declared.kind === "Optional") return actual.kind === "None" || compatible(actual, declared.inner);
  if (actual.kind === "List" && declared.kind === "List") return compatible(actual.element, declared.element);
  if (actual.kind === "Tuple" && declared.kind === "Tuple") return actual.elements.length === declared.elements.length && actual.elements.every((t, i) => compatible(t, declared.elements[i]!));
  return false;
}

function emitThrow(fc: FunctionCompiler, s: ts.ThrowStatement): Flow {
  const tsi = fc.ts;
  const e = s.expression;
  if (tsi.isNewExpression(e) && tsi.isIdentifier(e.expression) && e.expression.text === "Error" && (e.arguments?.length ?? 0) <= 1) {
    const message = e.arguments?.[0] ? emitExpression(fc, e.arguments[0]) : fc.constant("Error", { kind: "str" }, s);
    if (!message) return { kind: "raise" };
    if (message.type.kind !== "str") {
      fc.report("throwForm", s);
      return { kind: "raise" };
    }
    fc.append("prim::RaiseException", [message], s);
    return { kind: "raise" };
  }
  fc.report("throwForm", s);
  return { kind: "raise" };
}

// ---------------------------------------------------------------------------
// Loops

function carriedKeys(fc: FunctionCompiler, node: ts.Node, brk: string | undefined): Key[] {
  const keys: Key[] = [...assignedKeys(fc, node)].filter((k) => fc.env.has(k));
  if (fc.usesReturnFlag && containsReturn(fc, node)) keys.push("$ret", "$retval");
  if (brk) keys.push(brk);
  return keys;
}

function loopFrame(fc: FunctionCompiler, body: ts.Node): { brk: string | undefined; cont: string | undefined } {
  return {
    brk: containsBreak(fc, body, "break") ? fc.freshFlag("brk") : undefined,
    cont: containsBreak(fc, body, "continue") ? fc.freshFlag("cont") : undefined,
  };
}

const INT_MAX = 2147483647;

/** The condition to go on: `!brk && !ret && cond` with cond evaluated only then. */
function nextCondition(fc: FunctionCompiler, frame: { brk: string | undefined }, cond: ts.Expression | undefined, at: ts.Node): Value | undefined {
  const stops = [frame.brk, fc.usesReturnFlag ? "$ret" : undefined].filter((k): k is string => k !== undefined && fc.env.has(k)).map((k) => fc.env.get(k)!);
  const evalCond = (): Value | undefined => (cond ? emitCondition(fc, cond).value : fc.constant(true, BoolType, at));
  if (stops.length === 0) return evalCond();
  let stop = stops[0]!;
  for (const f of stops.slice(1)) stop = fc.op1("aten::__or__.bool", [stop, f], BoolType, at);
  let failed = false;
  const outputs = emitIf(fc, stop, at, () => ({ results: [fc.constant(false, BoolType, at)] }), () => {
    const c = evalCond();
    if (!c) failed = true;
    return { results: c ? [c] : [fc.constant(false, BoolType, at)] };
  });
  return failed ? undefined : outputs?.[0];
}

function emitWhile(fc: FunctionCompiler, s: ts.Statement, cond: ts.Expression | undefined, body: ts.Statement, incrementor: ts.Expression | undefined): void {
  const frame = loopFrame(fc, body);
  const initial = cond ? emitCondition(fc, cond).value : fc.constant(true, BoolType, s);
  if (!initial) return;
  if (frame.brk) fc.env.set(frame.brk, fc.constant(false, BoolType, s));
  const carried = carriedKeys(fc, incrementor ? s : body, frame.brk);
  if (cond) for (const k of assignedKeys(fc, cond)) if (fc.env.has(k) && !carried.includes(k)) carried.push(k);
  emitLoop(fc, {
    node: s,
    maxTrip: fc.constant(INT_MAX, IntType, s),
    initialCondition: initial,
    carried,
    body: () => {
      fc.loops.push(frame);
      try {
        if (frame.cont) fc.env.set(frame.cont, fc.constant(false, BoolType, body));
        emitStatements(fc, [body]);
        if (frame.cont) fc.env.delete(frame.cont);
      } finally {
        fc.loops.pop();
      }
      if (incrementor) emitExpression(fc, incrementor);
      return nextCondition(fc, frame, cond, s);
    },
  });
  if (frame.brk) fc.env.delete(frame.brk);
}

function emitFor(fc: FunctionCompiler, s: ts.ForStatement): void {
  const tsi = fc.ts;
  if (s.initializer) {
    if (tsi.isVariableDeclarationList(s.initializer)) emitDeclarations(fc, s.initializer);
    else emitExpression(fc, s.initializer);
  }
  emitWhile(fc, s, s.condition, s.statement, s.incrementor);
}

function emitForOf(fc: FunctionCompiler, s: ts.ForOfStatement): void {
  const tsi = fc.ts;
  if (s.awaitModifier) {
    fc.report("asyncCode", s);
    return;
  }
  const decl = tsi.isVariableDeclarationList(s.initializer) ? s.initializer.declarations[0] : undefined;
  if (!decl || !tsi.isIdentifier(decl.name)) {
    fc.report("destructuring", s.initializer);
    return;
  }
  const symbol = fc.checker.getSymbolAtLocation(decl.name);
  if (s.expression.kind !== tsi.SyntaxKind.ThisKeyword && tsi.isPropertyAccessExpression(s.expression) && s.expression.expression.kind === tsi.SyntaxKind.ThisKeyword) {
    const t = fc.checker.getTypeAtLocation(s.expression);
    if (isModuleListType(fc, t)) return emitModuleListLoop(fc, s, s.expression, symbol);
  }
  const list = emitExpression(fc, s.expression);
  if (!list || !symbol) return;
  if (list.type.kind !== "List" || !listOverload(list.type.element)) {
    fc.report("unsupportedStatement", s.expression, [`for...of over ${describeType(list.type)}`]);
    return;
  }
  const element = list.type.element;
  const overload = listOverload(element)!;
  const frame = loopFrame(fc, s.statement);
  if (frame.brk) fc.env.set(frame.brk, fc.constant(false, BoolType, s));
  emitLoop(fc, {
    node: s,
    maxTrip: fc.op1(`aten::len.${overload}`, [list], IntType, s.expression),
    initialCondition: fc.constant(true, BoolType, s),
    carried: carriedKeys(fc, s.statement, frame.brk),
    body: (i) => {
      const item = fc.op1(`aten::__getitem__.${overload}`, [list, i], element, decl);
      fc.assign(symbol, item);
      fc.loops.push(frame);
      try {
        if (frame.cont) fc.env.set(frame.cont, fc.constant(false, BoolType, s.statement));
        emitStatements(fc, [s.statement]);
        if (frame.cont) fc.env.delete(frame.cont);
      } finally {
        fc.loops.pop();
      }
      return nextCondition(fc, frame, undefined, s);
    },
  });
  if (frame.brk) fc.env.delete(frame.brk);
}

/** `for (const m of this.layers)` over an nn.ModuleList whose initializer lists the layers: unrolled. */
function emitModuleListLoop(fc: FunctionCompiler, s: ts.ForOfStatement, field: ts.PropertyAccessExpression, symbol: ts.Symbol | undefined): void {
  const tsi = fc.ts;
  const elements = moduleListElements(fc, field);
  if (elements === undefined || !symbol || !fc.self) {
    fc.report("moduleListLength", field, [field.name.text]);
    return;
  }
  if (containsBreak(fc, s.statement, "break") || containsBreak(fc, s.statement, "continue") || containsReturn(fc, s.statement)) {
    fc.report("unsupportedStatement", s, ["break, continue or return inside a loop over an nn.ModuleList"]);
    return;
  }
  const listAttr = fc.append("prim::GetAttr", [fc.self], field);
  listAttr.setAttribute("name", field.name.text);
  // The exact class of the list and of each element, as the runtime names them (a model
  // file checks every GetAttr against the module tree): from the initializer's types.
  const listClass = fc.checker.getTypeAtLocation(field).getSymbol()?.getName() ?? "ModuleList";
  const listValue = listAttr.addOutput({ kind: "Module", className: listClass }, field.name.text);
  for (let i = 0; i < elements.length; i++) {
    const elementType = fc.checker.getTypeAtLocation(elements[i]!);
    const className = isModuleType(tsi, fc.checker, elementType) ? (elementType.getSymbol()?.getName() ?? "Module") : "Module";
    const get = fc.append("prim::GetAttr", [listValue], s.initializer);
    get.setAttribute("name", String(i));
    fc.assign(symbol, get.addOutput({ kind: "Module", className }, symbol.getName()));
    emitStatements(fc, [s.statement]);
  }
}

/** Whether `type` is tsjit's nn.ModuleList or a subclass of it (nn.Sequential). */
function isModuleListType(fc: FunctionCompiler, type: ts.Type): boolean {
  return classChain(fc.ts, fc.checker, type).some((t) => t.getSymbol()?.getName() === "ModuleList" && (t.getSymbol()?.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d, "nn/layers/containers")));
}

/**
 * The modules in `this.<field>` (their expressions), known at build time when the field is
 * assigned exactly once in the class (its initializer or one assignment), from
 * `new nn.ModuleList([a, b, ...])` or `new nn.Sequential(a, b, ...)` listing the layers,
 * and no method of the class grows it (`append`, `extend`, `insert`). Anything else is
 * undefined (diagnostic moduleListLength): unrolling a different count than the
 * instance holds would silently skip or miss layers.
 */
function moduleListElements(fc: FunctionCompiler, field: ts.PropertyAccessExpression): readonly ts.Expression[] | undefined {
  const tsi = fc.ts;
  const symbol = fc.checker.getSymbolAtLocation(field.name);
  if (!symbol) return undefined;
  const inits: ts.Expression[] = [];
  for (const d of symbol.getDeclarations() ?? []) if (tsi.isPropertyDeclaration(d) && d.initializer) inits.push(d.initializer);
  let grown = false;
  const isField = (n: ts.Expression): boolean => tsi.isPropertyAccessExpression(n) && n.expression.kind === tsi.SyntaxKind.ThisKeyword && fc.checker.getSymbolAtLocation(n.name) === symbol;
  const visit = (n: ts.Node): void => {
    if (tsi.isBinaryExpression(n) && n.operatorToken.kind === tsi.SyntaxKind.EqualsToken && isField(n.left)) inits.push(n.right);
    if (tsi.isCallExpression(n) && tsi.isPropertyAccessExpression(n.expression) && ["append", "extend", "insert"].includes(n.expression.name.text) && isField(n.expression.expression)) grown = true;
    n.forEachChild(visit);
  };
  const classes = new Set<ts.Node>([...(symbol.getDeclarations() ?? []).map((d) => d.parent), ...(fc.classDeclaration ? [fc.classDeclaration] : [])]);
  for (const cls of classes) if (cls && tsi.isClassLike(cls)) cls.members.forEach(visit);
  if (grown || inits.length !== 1) return undefined;
  let init = inits[0]!;
  while (tsi.isParenthesizedExpression(init) || tsi.isAsExpression(init)) init = init.expression;
  if (!tsi.isNewExpression(init) || !isModuleListType(fc, fc.checker.getTypeAtLocation(init))) return undefined;
  const args = init.arguments ?? [];
  if (args.some(tsi.isSpreadElement)) return undefined;
  const made = classChain(tsi, fc.checker, fc.checker.getTypeAtLocation(init))[0]?.getSymbol();
  const library = (made?.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d, "nn/layers/containers"));
  if (!library) return undefined; // a user subclass: its constructor may build any number of layers
  if (made?.getName() === "Sequential") return args;
  if (args.length === 0) return [];
  const list = args[0]!;
  if (args.length !== 1 || !tsi.isArrayLiteralExpression(list) || list.elements.some(tsi.isSpreadElement)) return undefined;
  return list.elements;
}

export { listOf, NoneType };
