/**
 * The @script frontend: TypeScript AST + checker → IR graphs and diagnostics, for
 * one site (a `script(function ...)`, an `@script` method, or an `@script` class).
 * The TypeScript instance is always injected (findings pitfall 1); nothing here
 * imports `typescript` as a value. It never throws: problems are diagnostics.
 */
import type * as ts from "typescript";
import { graphToJSON, type GraphJSON } from "../../runtime/ir/json.js";
import { BoolType, moduleType, NoneType, optionalOf } from "../../runtime/ir/types.js";
import { verifyGraph } from "../../runtime/ir/verifier.js";
import { BoolType as _Bool } from "../../runtime/ir/types.js";
import { FunctionCompiler, ProgramCompiler, type CalleeRequest } from "./context.js";
import { emitIf } from "./controlFlow.js";
import { emitExpression } from "./expressions.js";
import { containsReturn, emitStatements } from "./statements.js";
import { describeType, irTypeOf } from "./types.js";

export type { ScriptDiagnostic } from "./diagnostics.js";
export { DIAGNOSTICS, renderDiagnosticsDoc, formatDiagnosticMessage } from "./diagnostics.js";
export { isScriptCallee } from "./sites.js";
import type { ScriptDiagnostic } from "./diagnostics.js";

// One payload type for the producer (this frontend) and the consumer (script.compiled's
// decoder), so the two cannot drift: the runtime owns it (runtime/jit/scripting/payload.ts).
export type { ScriptPayload } from "../../runtime/jit/scripting/payload.js";
import type { ScriptPayload } from "../../runtime/jit/scripting/payload.js";

export type ScriptSite =
  | { kind: "function"; declaration: ts.FunctionDeclaration | ts.FunctionExpression }
  | { kind: "method"; declaration: ts.MethodDeclaration }
  | { kind: "class"; declaration: ts.ClassDeclaration };

export interface CompileOptions {
  /** Directory source ranges are relative to (default: process.cwd()). */
  readonly cwd?: string;
}

export function compileScriptSite(tsInstance: typeof ts, checker: ts.TypeChecker, site: ScriptSite, options: CompileOptions = {}): { payload: ScriptPayload | undefined; diagnostics: ScriptDiagnostic[] } {
  const cwd = options.cwd ?? (typeof process !== "undefined" ? process.cwd() : "");
  const pc = new ProgramCompiler(tsInstance, checker, cwd);
  let name = "anonymous";
  try {
    pc.compileCallee = (request, at) => compileCallee(pc, request, at);
    if (site.kind === "function") {
      const decl = site.declaration;
      name = functionNameOf(tsInstance, decl);
      compileCallee(pc, { kind: "function", declaration: decl, name }, decl);
    } else if (site.kind === "method") {
      name = propertyName(tsInstance, site.declaration.name);
      compileCallee(pc, { kind: "method", declaration: site.declaration, name }, site.declaration);
    } else {
      name = site.declaration.name?.text ?? "anonymous";
      const forward = site.declaration.members.find((m): m is ts.MethodDeclaration => tsInstance.isMethodDeclaration(m) && propertyName(tsInstance, m.name) === "forward");
      if (!forward) pc.report("unknownCall", site.declaration.name ?? site.declaration, [`${name}.forward`]);
      else compileCallee(pc, { kind: "method", declaration: forward, name: "forward" }, forward);
    }
  } catch (error) {
    pc.report("internalError", site.declaration, [error instanceof Error ? error.message.split("\n")[0]! : String(error)]);
  }
  const diagnostics = pc.diagnostics;
  if (diagnostics.some((d) => d.category === "error")) return { payload: undefined, diagnostics };
  const graphs: Record<string, GraphJSON> = {};
  const functions: Record<string, GraphJSON> = {};
  try {
    const ordered = site.kind === "function" ? [...pc.functions].filter(([n]) => n === name) : [...pc.graphs];
    for (const [n, g] of ordered) graphs[n] = graphToJSON(g);
    for (const [n, g] of pc.functions) if (!(site.kind === "function" && n === name)) functions[n] = graphToJSON(g);
  } catch (error) {
    pc.report("internalError", site.declaration, [error instanceof Error ? error.message.split("\n")[0]! : String(error)]);
    return { payload: undefined, diagnostics };
  }
  return { payload: { version: 1, kind: site.kind, name, graphs, functions }, diagnostics };
}

function functionNameOf(tsi: typeof ts, decl: ts.FunctionDeclaration | ts.FunctionExpression): string {
  if (decl.name) return decl.name.text;
  const parent = decl.parent;
  if (parent && tsi.isCallExpression(parent) && tsi.isVariableDeclaration(parent.parent) && tsi.isIdentifier(parent.parent.name)) return parent.parent.name.text;
  return "anonymous";
}

function propertyName(tsi: typeof ts, name: ts.PropertyName): string {
  return tsi.isIdentifier(name) || tsi.isStringLiteral(name) || tsi.isPrivateIdentifier(name) ? name.text : name.getText();
}

/** Compiles a function or method once per site; recursion is a diagnostic. Returns whether it can be called. */
function compileCallee(pc: ProgramCompiler, request: CalleeRequest, at: ts.Node): boolean {
  const decl = request.declaration;
  if (pc.finished.has(decl)) return true;
  if (pc.inProgress.has(decl)) {
    pc.report("recursion", at, [request.name]);
    return false;
  }
  pc.inProgress.add(decl);
  const before = pc.diagnostics.length;
  try {
    const parent = decl.parent as ts.Node;
    const cls = request.kind === "method" && pc.ts.isClassLike(parent) ? parent : undefined;
    const graph = compileBody(pc, decl, cls, request.kind === "method" ? (cls?.name?.text ?? "Module") : undefined);
    if (pc.diagnostics.length === before) {
      try {
        verifyGraph(graph);
      } catch (error) {
        pc.report("internalError", decl, [error instanceof Error ? error.message.split("\n").slice(0, 2).join(" ") : String(error)]);
      }
    }
    (request.kind === "method" ? pc.graphs : pc.functions).set(request.name, graph);
  } finally {
    pc.inProgress.delete(decl);
    pc.finished.set(decl, request.name);
  }
  return true;
}

function compileBody(pc: ProgramCompiler, decl: ts.FunctionLikeDeclaration, cls: ts.ClassLikeDeclaration | undefined, className: string | undefined) {
  const tsi = pc.ts;
  const fc = new FunctionCompiler(pc, decl, cls);
  const mods = tsi.canHaveModifiers(decl) ? (tsi.getModifiers(decl) ?? []) : [];
  const isAsync = mods.some((m: ts.ModifierLike) => m.kind === tsi.SyntaxKind.AsyncKeyword);
  if (isAsync) pc.report("asyncCode", decl);
  if (decl.asteriskToken) pc.report("generator", decl);
  // Its return type (a Promise, a Generator) and its await/yield would only repeat the same problem.
  if (isAsync || decl.asteriskToken) return fc.graph;
  if (className !== undefined) fc.self = fc.graph.addInput(moduleType(className), "self");
  const defaults: [ts.Symbol, ts.Expression][] = [];
  for (const p of decl.parameters) {
    // A parameter that cannot be compiled is poisoned: its uses are not reported again (as captures).
    const symbolOfP = tsi.isIdentifier(p.name) ? pc.checker.getSymbolAtLocation(p.name) : undefined;
    if (symbolOfP) fc.poisoned.add(symbolOfP);
    if (tsi.isIdentifier(p.name) && p.name.text === "this") {
      pc.report("parameterForm", p, ["this"]);
      continue;
    }
    if (p.dotDotDotToken || !tsi.isIdentifier(p.name)) {
      pc.report("parameterForm", p, [p.name.getText()]);
      continue;
    }
    const pname = (p.name as ts.Identifier).text;
    // With a default value (`k = 3`) the checker infers the type from it.
    if (!p.type && !p.initializer) {
      pc.report("missingParameterType", p, [pname]);
      continue;
    }
    const result = irTypeOf(tsi, pc.checker, pc.checker.getTypeAtLocation(p));
    if (!result.ok) {
      const written = p.type?.getText() ?? pc.checker.typeToString(pc.checker.getTypeAtLocation(p));
      if (result.reason === "any") pc.report("anyType", p, [pname, written]);
      else pc.report("unsupportedType", p.type ?? p, [written]);
      continue;
    }
    let type = result.type;
    if (p.questionToken && type.kind !== "Optional") type = optionalOf(type);
    if (p.initializer && type.kind !== "Optional") type = optionalOf(type);
    const symbol = pc.checker.getSymbolAtLocation(p.name as ts.Identifier)!;
    fc.poisoned.delete(symbol);
    fc.env.set(symbol, fc.graph.addInput(type, pname));
    if (p.initializer) defaults.push([symbol, p.initializer]);
  }
  const signature = pc.checker.getSignatureFromDeclaration(decl);
  const returnTsType = signature && pc.checker.getReturnTypeOfSignature(signature);
  if (returnTsType && !(returnTsType.flags & (tsi.TypeFlags.Void | tsi.TypeFlags.Undefined))) {
    const r = irTypeOf(tsi, pc.checker, returnTsType);
    if (r.ok) fc.returnType = r.type;
    else if (!decl.type) pc.report("returnType", decl.name ?? decl, [decl.name?.getText() ?? "this function", pc.checker.typeToString(returnTsType)]);
    else if (r.reason === "any") pc.report("anyType", decl.type ?? decl.name ?? decl, ["the return value", pc.checker.typeToString(returnTsType)]);
    else pc.report("unsupportedType", decl.type ?? decl.name ?? decl, [pc.checker.typeToString(returnTsType)]);
  }
  // Defaults of optional parameters: `n = If(n is None) { default } else { unwrap(n) }`.
  for (const [symbol, init] of defaults) {
    const param = fc.env.get(symbol)!;
    const inner = param.type.kind === "Optional" ? param.type.inner : param.type;
    const isNone = fc.op1(`aten::is_none.${inner.kind}`, [param], BoolType, init);
    const outputs = emitIf(
      fc,
      isNone,
      init,
      () => {
        const v = emitExpression(fc, init);
        return { results: v ? [v] : [fc.constant(null, NoneType, init)] };
      },
      () => ({ results: [fc.op1(`aten::unwrap_optional.${inner.kind}`, [param], inner, init)] }),
    );
    if (outputs?.[0]) {
      outputs[0].debugName = symbol.getName();
      fc.env.set(symbol, outputs[0]);
    }
  }
  const body = decl.body;
  if (!body) {
    pc.report("unsupportedStatement", decl, ["a function without a body"]);
    return fc.graph;
  }
  if (!tsi.isBlock(body)) {
    pc.report("arrowFunction", decl);
    return fc.graph;
  }
  const block: ts.Block = body;
  fc.usesReturnFlag = hasReturnInLoop(tsi, block);
  if (fc.usesReturnFlag) {
    fc.env.set("$ret", fc.constant(false, BoolType, block));
    fc.env.set("$retval", fc.constant(null, NoneType, block));
  }
  const mark = pc.diagnostics.length;
  const flow = emitStatements(fc, block.statements);
  if (flow.kind === "return") {
    if (fc.returnType && flow.value) fc.graph.registerOutput(flow.value);
  } else if (fc.returnType) {
    if (flow.kind === "raise") pc.report("throwInReturningBranch", decl.name ?? decl);
    else if (pc.diagnostics.length === mark) pc.report("missingReturn", decl.name ?? decl, [decl.name?.getText() ?? "this function"]);
  }
  void describeType;
  void _Bool;
  void containsReturn;
  return fc.graph;
}

function hasReturnInLoop(tsi: typeof ts, body: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node, inLoop: boolean): void => {
    if (found || tsi.isFunctionLike(n) || tsi.isClassLike(n)) return;
    if (inLoop && tsi.isReturnStatement(n)) {
      found = true;
      return;
    }
    const loop = inLoop || tsi.isForStatement(n) || tsi.isForOfStatement(n) || tsi.isWhileStatement(n) || tsi.isDoStatement(n);
    n.forEachChild((c) => visit(c, loop));
  };
  body.forEachChild((c) => visit(c, false));
  return found;
}
