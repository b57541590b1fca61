/** Recognising tsjit's own declarations (script, Tensor, nn.Module, ops) by symbol, never by name alone. */
import type * as ts from "typescript";

/** Whether `declaration` is in tsjit's runtime source or its built .d.ts, in the file named by `stem` (e.g. "jit/script"). */
export function isTsjitDeclaration(declaration: ts.Node, stem?: string): boolean {
  const file = declaration.getSourceFile().fileName.replace(/\\/g, "/");
  const inRuntime = /\/runtime\//.test(file) && (/\/tsjit\//.test(file) || !/\/node_modules\//.test(file));
  if (!inRuntime) return false;
  if (stem === undefined) return true;
  return new RegExp(`/runtime/${stem.replace(/[/]/g, "\\/")}\\.(d\\.)?[cm]?[tj]s$`).test(file);
}

/** Follows import aliases (named imports, namespace members, re-exports) to the declared symbol. */
export function resolveSymbol(tsi: typeof ts, checker: ts.TypeChecker, symbol: ts.Symbol | undefined): ts.Symbol | undefined {
  let current = symbol;
  for (let guard = 0; current && current.flags & tsi.SymbolFlags.Alias && guard < 16; guard++) current = checker.getAliasedSymbol(current);
  return current;
}

export function symbolAt(tsi: typeof ts, checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  return resolveSymbol(tsi, checker, checker.getSymbolAtLocation(node));
}

export function isScriptCallee(tsInstance: typeof ts, checker: ts.TypeChecker, expression: ts.Expression): boolean {
  const original = (tsInstance.getParseTreeNode(expression) as ts.Expression | undefined) ?? expression;
  let target: ts.Node = original;
  while (tsInstance.isParenthesizedExpression(target)) target = target.expression;
  if (tsInstance.isCallExpression(target)) return false;
  const node = tsInstance.isPropertyAccessExpression(target) ? target.name : target;
  const symbol = symbolAt(tsInstance, checker, node);
  if (!symbol || symbol.getName() !== "script") return false;
  return (symbol.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d, "jit/script") || isTsjitDeclaration(d, "index"));
}

/** The op-family file an exported free function comes from, when `symbol` is one. */
export function isOpFunction(symbol: ts.Symbol): boolean {
  return (symbol.getDeclarations() ?? []).some((d) => isTsjitDeclaration(d) && /\/runtime\/ops\//.test(d.getSourceFile().fileName.replace(/\\/g, "/")));
}
